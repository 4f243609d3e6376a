/// What `drift.mustache` renders: a model version's latest drift report with its heat map, history and events.
struct DriftPage {
    struct Feature {
        var name: String
        var kind: String
        var alarm: Bool
        var method: String
        var statistic: String
        var pValue: String
        var verdict: String
        var cohorts: String
        var devices: String
    }

    struct Version {
        var version: String
        var short: String
        var computed: String
        var verdict: String
        var drifting: Bool
        var devices: Int
        var window: String
        var share: String
        var predictionVerdict: String
        var heatMap: String
        var history: String
        var features: [Feature]
        var skipped: String?
        var reportID: Int64
    }

    var title: String
    var rendered: String
    var model: String
    var versions: [Version]
    var events: [EventRow]
}
