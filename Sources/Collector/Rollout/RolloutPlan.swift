/// Which devices a rollout reaches in which wave and which stay on the champion as the control group.
///
/// Deterministic: the same rollout ID and devices give the same plan, so a restarted collector recomputes nothing
/// differently (the plan is persisted anyway). Stratified: devices are grouped by (profile, first group), ordered
/// within each stratum by a hash of the rollout ID and the device ID, and the strata are interleaved round-robin,
/// so the control group, the canary and every wave each take devices from every profile and group in turn.
public struct RolloutPlan: Codable, Sendable, Equatable {
    /// Devices kept on the champion, compared against each wave over the same period.
    public var control: [String]
    /// The canary first, then the growing waves.
    public var waves: [[String]]

    public init(control: [String], waves: [[String]]) {
        self.control = control
        self.waves = waves
    }

    /// Plans `eligible` devices (at least two: one control, one canary).
    public static func make(rolloutID: String, eligible: [DeviceRecord], strategy: RolloutStrategy) -> RolloutPlan {
        let order = stratifiedOrder(rolloutID: rolloutID, devices: eligible)
        let total = order.count
        guard total >= 2 else { return RolloutPlan(control: [], waves: order.isEmpty ? [] : [order]) }
        let control = min(total - 1, max(1, Int((Double(total) * strategy.controlPercent / 100).rounded(.up))))
        let exposed = total - control
        let canary = min(exposed, max(1, strategy.canaryDevices ?? Int((Double(total) * strategy.canaryPercent / 100).rounded(.up))))
        let maximumWave = max(1, Int((Double(total) * strategy.maximumWavePercent / 100).rounded(.up)))
        var waves: [[String]] = []
        var next = control
        var size = canary
        while next < total {
            let end = min(total, next + size)
            waves.append(Array(order[next..<end]))
            next = end
            size = min(maximumWave, max(size + 1, Int((Double(size) * strategy.growthFactor).rounded(.up))))
        }
        return RolloutPlan(control: Array(order[0..<control]), waves: waves)
    }

    /// Devices ordered so that any prefix is spread across the strata in proportion.
    static func stratifiedOrder(rolloutID: String, devices: [DeviceRecord]) -> [String] {
        var strata: [String: [(UInt64, String)]] = [:]
        for device in devices {
            let key = "\(device.profile ?? "")|\(device.groups.first ?? "")"
            strata[key, default: []].append((fnv1a(rolloutID + "/" + device.id), device.id))
        }
        var queues = strata.sorted { $0.key < $1.key }.map { $0.value.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.1) }
        // Proportional interleaving: each stratum advances by its share, so a 90 %/10 % fleet gives 9 to 1.
        let total = Double(devices.count)
        var credit = [Double](repeating: 0, count: queues.count)
        var taken = [Int](repeating: 0, count: queues.count)
        var order: [String] = []
        order.reserveCapacity(devices.count)
        while order.count < devices.count {
            for index in queues.indices { credit[index] += Double(queues[index].count) / total }
            var best = -1
            for index in queues.indices where taken[index] < queues[index].count {
                if best < 0 || credit[index] > credit[best] { best = index }
            }
            order.append(queues[best][taken[best]])
            taken[best] += 1
            credit[best] -= 1
        }
        queues.removeAll()
        return order
    }

    /// FNV-1a, 64 bits: stable across runs and platforms (Swift's `Hasher` is seeded per process).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
