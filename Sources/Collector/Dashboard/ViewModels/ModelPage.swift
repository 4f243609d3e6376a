/// What `model.mustache` renders: one model's versions, lineage and fleet latency.
struct ModelPage {
    /// One registered version and the devices running it.
    struct Version {
        var release: UInt64
        var version: String
        var short: String
        var lineage: String
        var evaluation: String
        var blessed: Bool
        var aliases: String
        var tags: String
        var createdBy: String
        var source: String
        var registered: String
        /// The first 20 devices running it, in natural order.
        var devices: [String]
        /// How many more run it; nil when all are listed.
        var more: Int?
        var parent: String
        var dataset: String
        var code: String
        /// The gate's latest verdict, e.g. "gate: blessed (evaluation 3, snapshot 0a1b2c3d4e5f)"; "not evaluated" before it ran.
        var gate: String = "not evaluated"
        /// The checks of the latest gate report.
        var checks: [GateRow] = []
        var hasChecks = false
    }

    /// One check of a gate report.
    struct GateRow {
        var id: String
        var status: String
        var reason: String
    }

    var title: String
    var rendered: String
    var name: String
    var versions: [Version]
    /// Inline SVG from ``SVGChart``.
    var latencyChart: String
}
