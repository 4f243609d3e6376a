/// One event as the events page and the device page list it.
struct EventRow {
    var time: String
    var source: String
    /// The device that reported it; nil for the collector's own events.
    var device: String?
    var model: String
    var name: String
    var details: String
}
