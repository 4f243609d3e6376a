import Logging

/// A fleet of ``SimulatedDevice``s against one broker.
public final class FleetSimulator: Sendable {
    public let settings: SimulationSettings
    public let devices: [SimulatedDevice]
    /// The shared connections when `devicesPerConnection` > 1 (empty: every device has its own).
    public let connections: [SharedConnection]
    /// Steps every device from one loop (no timer per device).
    public let scheduler: FleetScheduler

    public init(settings: SimulationSettings, logger: Logger) throws(FleetSimError) {
        try settings.validate()
        self.settings = settings
        var devices: [SimulatedDevice] = []
        var connections: [SharedConnection] = []
        let scheduler = FleetScheduler(devices: settings.devices)
        for index in 0..<settings.devices {
            var shared: SharedConnection?
            if settings.devicesPerConnection > 1 {
                if index % settings.devicesPerConnection == 0 {
                    connections.append(try SharedConnection(settings: settings, index: connections.count, logger: logger))
                }
                shared = connections.last
            }
            let device = try SimulatedDevice(index: index, settings: settings, connection: shared?.client, scheduler: scheduler, logger: logger)
            shared?.attach(device)
            devices.append(device)
        }
        self.devices = devices
        self.connections = connections
        scheduler.attach(devices)
        self.scheduler = scheduler
    }

    /// Runs every device (and shared connection) until the task is cancelled; devices start spread over `settings.ramp`.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.scheduler.run() }
            for connection in connections { group.addTask { await connection.run() } }
            for connection in connections { await connection.waitUntilConnected() }
            let count = devices.count, ramp = settings.ramp
            for (index, device) in devices.enumerated() {
                group.addTask {
                    if ramp > .zero {
                        try? await Task.sleep(for: ramp * (Double(index) / Double(count)))
                        if Task.isCancelled { return }
                    }
                    try? await device.run()
                }
            }
        }
        for connection in connections { await connection.shutdown() }
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
            // Each poll takes every device's lock: at 100,000 devices, ten polls a second would cost a core.
            try? await Task.sleep(for: .milliseconds(devices.count > 10_000 ? 1000 : 100))
        }
        return false
    }
}
