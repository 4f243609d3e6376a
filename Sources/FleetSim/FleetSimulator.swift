import Logging

/// A fleet of ``SimulatedDevice``s against one broker.
public final class FleetSimulator: Sendable {
    public let settings: SimulationSettings
    public let devices: [SimulatedDevice]

    public init(settings: SimulationSettings, logger: Logger) throws(FleetSimError) {
        try settings.validate()
        self.settings = settings
        var devices: [SimulatedDevice] = []
        for index in 0..<settings.devices { devices.append(try SimulatedDevice(index: index, settings: settings, logger: logger)) }
        self.devices = devices
    }

    /// Runs every device until the task is cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for device in devices { group.addTask { try? await device.run() } }
        }
    }

    /// The fleet's statistics, summed.
    public var statistics: DeviceStatistics { devices.reduce(DeviceStatistics()) { $0 + $1.statistics } }

    /// Stops creating telemetry on every device.
    public func stopGenerating() {
        for device in devices { device.stopGenerating() }
    }

    /// Waits until every device's stream is acknowledged up to what it generated; false on timeout.
    public func waitUntilAcknowledged(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if devices.allSatisfy({ let s = $0.statistics; return s.generated > 0 && s.acknowledged >= s.generated }) { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
