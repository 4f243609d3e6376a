/// What the engine remembers between admission passes (in memory; a restarted collector looks again at devices
/// first seen up to `lookback` before it started, and the stored assignments keep it from acting twice).
///
/// A pass reads only the devices first seen since the previous pass (``FleetStore/devices(firstSeenAfter:limit:)``, an
/// index range), less ``settleMilliseconds``: a batch stamped before the previous pass may commit after it, another
/// collector's clock may lag, and a device's profile may arrive after its first message. At 100,000 devices the pass
/// so reads the few that registered lately, not the fleet.
struct RolloutAdmission: Sendable {
    /// How far before the engine's start a device still counts as new (a device that registered just before a
    /// restart is not missed).
    static let lookback: Int64 = 600_000
    /// How far back before the previous pass each pass looks again.
    static let settleMilliseconds: Int64 = 60_000
    /// At most this many devices a pass (the oldest first); the next pass continues after the last one read.
    static let devicesPerPass = 10_000

    /// The first-contact time after which the next pass reads devices; nil before the first pass.
    private var watermark: Int64?
    /// Devices already judged for the champion: each new device once, so a later champion is never pushed to a
    /// device that was running before it (moving `champion` is not a rollout).
    private var judged = Set<String>()

    /// Where the next pass reads from: devices first seen after this. The first pass reaches back to the engine's start
    /// less ``lookback`` or to the oldest active rollout's creation, whichever is earlier (devices that registered
    /// while no collector led still join the rollouts they match).
    func since(engineStartedAt: Int64, oldestActiveRollout: Int64?) -> Int64 {
        if let watermark { return watermark - Self.settleMilliseconds }
        return min(engineStartedAt - Self.lookback, oldestActiveRollout.map { $0 - 1 } ?? .max)
    }

    func isNew(_ device: DeviceRecord, engineStartedAt: Int64) -> Bool {
        !judged.contains(device.id) && device.firstSeenAt >= engineStartedAt - Self.lookback
    }

    /// Records a pass at `now` over `read` (in first-contact order), having judged `devices`. A full page moves the
    /// watermark only to the last device read, so the next pass continues there.
    mutating func scanned(now: Int64, read: [DeviceRecord], devices: [String]) {
        if read.count >= Self.devicesPerPass, let last = read.last {
            watermark = last.firstSeenAt + Self.settleMilliseconds - 1
        } else {
            watermark = now
        }
        judged.formUnion(devices)
    }
}
