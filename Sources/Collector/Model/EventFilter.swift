/// Which events a listing returns, newest first.
public struct EventFilter: Sendable, Equatable {
    public var deviceID: String?
    public var model: String?
    public var name: String?
    /// Only events with an ID above this (for polling).
    public var after: Int64?
    public var range: TimeRange
    public var limit: Int

    public init(deviceID: String? = nil, model: String? = nil, name: String? = nil, after: Int64? = nil, range: TimeRange = .all, limit: Int = 100) {
        self.deviceID = deviceID
        self.model = model
        self.name = name
        self.after = after
        self.range = range
        self.limit = limit
    }
}
