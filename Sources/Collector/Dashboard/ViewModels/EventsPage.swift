/// What `events.mustache` renders: the newest events of the whole fleet.
struct EventsPage {
    var title = "Events"
    var rendered: String
    var events: [EventRow]
}
