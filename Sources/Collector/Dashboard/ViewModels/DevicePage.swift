/// What `device.mustache` renders: one device's facts, charts (SVG, written by ``SVGChart``), updates and events.
struct DevicePage {
    /// A bundle the device serves or served.
    struct BundleSummary {
        var name: String
        var version: String
        /// The digest's first 12 hex digits.
        var short: String
    }

    /// One assignment of an update to the device, with its download progress.
    struct Assignment {
        var id: String
        var model: String
        var version: String
        var release: UInt64
        var phase: String
        var received: String
        var served: String
        var created: String
    }

    var title: String
    var rendered: String
    var id: String
    /// `online` or `offline` (also the CSS class of the badge).
    var state: String
    var profile: String
    var agentVersion: String
    var hardware: String
    var input: String
    var current: BundleSummary?
    var previous: BundleSummary?
    var lastSeen: String
    var status: String
    var tags: String
    var groups: String
    /// Inline SVG, rendered unescaped (`{{{…}}}`): ``SVGChart`` escapes every text it writes.
    var latencyChart: String
    var throughputChart: String
    var classChart: String
    var assignments: [Assignment]
    var events: [EventRow]
}
