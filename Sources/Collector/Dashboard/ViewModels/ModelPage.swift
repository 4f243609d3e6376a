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
    }

    var title: String
    var rendered: String
    var name: String
    var versions: [Version]
    /// Inline SVG from ``SVGChart``.
    var latencyChart: String
}
