import Drift

/// A drift scenario for simulated devices: their input features come from the seeded vibration scenario, binned on
/// a bundle's baseline edges, and from a given time an injection (a mean shift, a variance change, a stuck sensor, a
/// gain drift, a new operating mode) changes what one device, one cohort or the whole fleet sees.
public struct SimulatedDrift: Sendable {
    /// One input feature: its name and the baseline's bin edges (outer edges included, as in a bundle's baseline).
    public struct Feature: Sendable, Equatable {
        public var name: String
        public var edges: [Double]

        public init(name: String, edges: [Double]) {
            self.name = name
            self.edges = edges
        }
    }

    /// Which devices the injection reaches.
    public enum Target: Sendable, Equatable {
        case device(String)
        /// Devices whose profile equals the value (`profile`), or whose index modulo `groups` equals it (`group`).
        case profile(String)
        case fleet
    }

    /// The features, in the scenario's column order (`VibrationScenario().names` unless the baseline renames them).
    public var features: [Feature]
    public var injection: DriftInjection
    public var target: Target
    /// Seconds after the simulator starts when the injection begins.
    public var startAfterSeconds: Double
    /// Rows drawn per report (each a simulated inference's input); caps the work per report.
    public var rowsPerReport: Int
    public var scenario: VibrationScenario

    public init(features: [Feature], injection: DriftInjection, target: Target, startAfterSeconds: Double = 0, rowsPerReport: Int = 50,
                scenario: VibrationScenario = VibrationScenario()) {
        self.features = features
        self.injection = injection
        self.target = target
        self.startAfterSeconds = startAfterSeconds
        self.rowsPerReport = rowsPerReport
        self.scenario = scenario
    }

    /// Whether a device is reached by the injection at `elapsed` seconds.
    public func reaches(deviceID: String, profile: String, elapsed: Double) -> Bool {
        guard elapsed >= startAfterSeconds else { return false }
        switch target {
        case .device(let id): return id == deviceID
        case .profile(let value): return value == profile
        case .fleet: return true
        }
    }

    /// One report's worth of simulated inputs: feature counts on the baseline's bins and, as a well-trained model
    /// would predict them, counts of the machine conditions the rows indicate (`VibrationScenario.condition(of:)`).
    public struct Sample: Sendable {
        public var features: [[UInt64]]
        public var conditions: [UInt64]
    }

    /// `rows` rows of the scenario (with the injection when `drifted`): their features binned on the baseline edges
    /// (values beyond the outer edges count in the outer bins, as on a device) and their conditions counted.
    public func sample(rows: Int, seed: UInt64, drifted: Bool) -> Sample {
        let data = scenario.rows(rows, seed: seed, injection: drifted ? injection : DriftInjection(.none))
        var conditions = [UInt64](repeating: 0, count: VibrationScenario.conditions.count)
        for row in data { conditions[scenario.condition(of: row)] += 1 }
        return Sample(features: counts(data), conditions: conditions)
    }

    /// `rows` rows of the scenario (with the injection when `drifted`) and the true condition of each: that of the
    /// machine, which the injection does not change (`VibrationScenario.labelledRows`).
    public func labelledRows(rows: Int, seed: UInt64, drifted: Bool) -> (rows: [[Double]], conditions: [Int]) {
        scenario.labelledRows(rows, seed: seed, injection: drifted ? injection : DriftInjection(.none))
    }

    func counts(_ data: [[Double]]) -> [[UInt64]] {
        features.enumerated().map { index, feature in
            var counts = [UInt64](repeating: 0, count: max(1, feature.edges.count - 1))
            guard index < scenario.names.count else { return counts }
            for row in data {
                counts[Self.bin(row[index], edges: feature.edges)] += 1
            }
            return counts
        }
    }

    static func bin(_ value: Double, edges: [Double]) -> Int {
        guard edges.count >= 2, !value.isNaN else { return 0 }
        var low = 0, high = edges.count
        while low < high {
            let middle = (low + high) / 2
            if edges[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return min(max(low - 1, 0), edges.count - 2)
    }
}
