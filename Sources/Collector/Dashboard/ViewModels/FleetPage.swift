import Mustache

/// What `fleet.mustache` renders: the summary cards and one page of the fleet table, device IDs ascending (byte order).
///
/// The table shows ``pageSize`` devices a page, paged by keyset cursors (`/?after=<last ID>`, `/?before=<first ID>`,
/// filters kept) so that only one page is read from the store: swift-mustache spends about 20–40 µs a row (dynamic casts
/// per variable), and listing 100,000 devices to sort them took 1.4 s. The order is the store's index order, not the
/// natural order of IDs (`sim-10` before `sim-2`): natural order would need every ID read and sorted for every page.
struct FleetPage: MustacheParent {
    /// Devices per page of the table.
    static let pageSize = 500

    /// One device of the fleet table, its figures already formatted.
    ///
    /// Looked up by a `switch` rather than swift-mustache's `Mirror` walk: the table has 10,000 rows and a dozen fields.
    struct Row: MustacheParent {
        var id: String
        var online: Bool
        var profile: String
        var agentVersion: String
        /// The serving bundle's model, linked to its registry page; nil when nothing serves.
        var model: String?
        var version: String
        var latencyP95: String
        var throughput: String
        var lastSeen: String
        var groups: String

        func child(named name: String) -> Any? {
            switch name {
            case "id": id
            case "online": online
            case "profile": profile
            case "agentVersion": agentVersion
            case "model": model
            case "version": version
            case "latencyP95": latencyP95
            case "throughput": throughput
            case "lastSeen": lastSeen
            case "groups": groups
            default: nil
            }
        }
    }

    var title = "Fleet"
    /// When the page was rendered (UTC), for the layout.
    var rendered: String
    var deviceCount: Int
    var onlineCount: Int
    var modelCount: Int
    var reportCount: Int
    /// The active filter in words (`group lab, tag eu`), nil when the whole fleet shows.
    var filter: String?
    var devices: [Row]
    /// 1-based positions of the first and last row shown among the `matching` devices (0…0 when none).
    var shownFrom: Int
    var shownTo: Int
    var matching: Int
    /// Links to the neighbouring pages (with the filter), nil at either end.
    var previousPage: String? = nil
    var nextPage: String? = nil
    /// Whether the table spans more than one page (the page navigation shows).
    var paged: Bool { previousPage != nil || nextPage != nil }

    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "rendered": rendered
        case "deviceCount": deviceCount
        case "onlineCount": onlineCount
        case "modelCount": modelCount
        case "reportCount": reportCount
        case "filter": filter
        case "devices": devices
        case "shownFrom": shownFrom
        case "shownTo": shownTo
        case "matching": matching
        case "previousPage": previousPage
        case "nextPage": nextPage
        case "paged": paged
        default: nil
        }
    }
}
