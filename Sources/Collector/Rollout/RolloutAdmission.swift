/// What the engine remembers between admission passes (in memory; a restarted collector looks again at devices
/// first seen up to `lookback` before it started, and the stored assignments keep it from acting twice).
struct RolloutAdmission: Sendable {
    /// How far before the engine's start a device still counts as new (a device that registered just before a
    /// restart is not missed).
    static let lookback: Int64 = 600_000
    /// Passes run at least this often even without new devices (a device's profile may arrive after its first message).
    static let rescanMilliseconds: Int64 = 60_000

    private var lastTotal: Int?
    private var lastScan: Int64?
    /// Devices already judged for the champion: each new device once, so a later champion is never pushed to a
    /// device that was running before it (moving `champion` is not a rollout).
    private var judged = Set<String>()

    func shouldScan(total: Int, now: Int64) -> Bool {
        guard let lastScan else { return true }
        return total != lastTotal || now - lastScan >= Self.rescanMilliseconds
    }

    func isNew(_ device: DeviceRecord, engineStartedAt: Int64) -> Bool {
        !judged.contains(device.id) && device.firstSeenAt >= engineStartedAt - Self.lookback
    }

    mutating func scanned(total: Int, now: Int64, devices: [String]) {
        lastTotal = total
        lastScan = now
        judged.formUnion(devices)
    }
}
