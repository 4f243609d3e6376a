import FleetSupport

/// Seeded per-device windows for attribution: every device draws from the same vibration scenario and an
/// injection is applied to one device, one cohort or the whole fleet.
public struct FleetScenario: Sendable {
    /// A simulated device.
    public struct Device: Sendable {
        public var id: String
        public var cohorts: [String: String]

        public init(id: String, cohorts: [String: String]) {
            self.id = id
            self.cohorts = cohorts
        }
    }

    /// Which devices the injection reaches.
    public enum Target: Sendable, Equatable {
        case device(String)
        case cohort(Cohort)
        case fleet
    }

    public var scenario: VibrationScenario
    public var devices: [Device]

    public init(scenario: VibrationScenario = VibrationScenario(), devices: [Device]) {
        self.scenario = scenario
        self.devices = devices
    }

    /// `groups` × `perGroup` devices named dev-01…, cohort keys `group` (plant-1…) and `profile` (alternating
    /// rpi4 / jetson within each group, so the two keys cut across each other).
    public static func standard(groups: Int = 3, perGroup: Int = 4) -> FleetScenario {
        var devices = [Device]()
        for g in 1...groups {
            for i in 0..<perGroup {
                let number = devices.count + 1
                devices.append(Device(id: number < 10 ? "dev-0\(number)" : "dev-\(number)",
                                      cohorts: ["group": "plant-\(g)", "profile": i % 2 == 0 ? "rpi4" : "jetson"]))
            }
        }
        return FleetScenario(devices: devices)
    }

    /// Each device's window of `rows` rows binned on `baseline`'s edges (same feature order as the scenario),
    /// with `injection` applied to the devices `target` reaches.
    public func windows(rows: Int, seed: UInt64, injection: DriftInjection, target: Target, baseline: [DriftHistogram]) -> [DeviceWindow] {
        devices.enumerated().map { index, device in
            let reached: Bool
            switch target {
            case .device(let id): reached = device.id == id
            case .cohort(let cohort): reached = device.cohorts[cohort.key] == cohort.value
            case .fleet: reached = true
            }
            var mixer = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9)
            let data = scenario.rows(rows, seed: mixer.next(), injection: reached ? injection : DriftInjection(.none))
            let histograms = baseline.enumerated().map { j, histogram in
                DriftHistogram(name: histogram.name, edges: [], counts: QuantileBinning.counts(data.map { $0[j] }, edges: histogram.edges))
            }
            return DeviceWindow(deviceID: device.id, cohorts: device.cohorts, histograms: histograms)
        }
    }
}
