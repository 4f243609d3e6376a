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
    var timeline: String
    var waves: [Wave]
    var judgements: [Judgement]
    var decisions: [Decision]
}
