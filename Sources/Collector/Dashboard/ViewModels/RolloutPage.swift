/// What `rollout.mustache` renders: a rollout's wave timeline, each wave's gate figures beside the control's, and
/// every decision with its reason.
struct RolloutPage {
    struct Gate {
        var gate: String
        var verdict: String
        var wave: String
        var control: String
        var threshold: String
        var reason: String
    }

    struct Judgement {
        var wave: String
        var time: String
        var verdict: String
        var gates: [Gate]
    }

    struct Decision {
        var time: String
        var kind: String
        var wave: String
        var reason: String
        var by: String
    }

    /// A device the rollout gave up on (an install or a rollback never answered after every send), with the reason.
    struct DeviceReason {
        var device: String
        var kind: String
        var reason: String
    }

    struct Wave {
        var name: String
        var devices: Int
        var started: String
    }

    var title: String
    var rendered: String
    var id: String
    var model: String
    var release: UInt64
    var version: String
    var championRelease: String
    var status: String
    var bad: Bool
    var createdBy: String
    var eligible: Int
    var control: Int
    var exposed: Int
    var returned: Int
    var pendingRollback: Int
    var ineligible: Int
    var ineligibleReasons: String?
    /// Installs finished (serving the version, failed or rolled back), still awaited, and sent more than once.
    var installsFinished: Int
    var installsOutstanding: Int
    var installsRetried: Int
    /// Installs and rollbacks that never answered after every send (at most `RolloutPage.listedDevices`).
    var timeouts: [DeviceReason]
    var hasTimeouts: Bool
    var timeoutsCount: Int
    var timeoutsNotListed: Int?
    /// Devices that registered after the rollout was created and joined it.
    var joined: Int
    var joinedDevices: String?
    var timeline: String
    var waves: [Wave]
    var judgements: [Judgement]
    var decisions: [Decision]

    /// How many device IDs a list on the page names before it says "and N more" (the API has them all).
    static let listedDevices = 20
}
