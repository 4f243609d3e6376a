/// What `loop.mustache` renders: a model's learning loop now, each cycle as a chain of linked steps, and the
/// accuracy the fleet's labels measured per version and firmware profile.
struct LoopPage {
    struct Cycle {
        var number: Int
        var trigger: String
        var outcome: String
        var failed: Bool
        var chain: String
        var steps: [Step]
    }

    struct Step {
        var time: String
        var name: String
        var details: String
        var link: String?
    }

    struct Accuracy {
        var version: String
        var profile: String
        var labelled: Int
        var accuracy: String
    }

    var title: String
    var rendered: String
    var model: String
    var phase: String
    var mode: String
    var cycle: Int
    var since: String
    var devices: Int
    var labelled: String
    var cycles: [Cycle]
    var accuracy: [Accuracy]
}
