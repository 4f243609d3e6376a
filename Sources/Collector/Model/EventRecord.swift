import FleetProtocol

/// Something that happened to a device or the registry, in the order the collector stored it.
public struct EventRecord: Codable, Sendable, Equatable {
    /// Increasing with storage order; use it to page (`after`).
    public var id: Int64
    /// `device` for messages from agents, `collector` for registry and distribution actions.
    public var source: String
    public var deviceID: String?
    public var model: String?
    public var name: String
    /// Device time for device events, the collector's clock otherwise (ms since 1970).
    public var time: Int64
    public var receivedAt: Int64
    public var assignmentID: String?
    public var phase: String?
    public var details: [String: String]
    public var error: ErrorInfo?
    public var update: UpdateProgress?

    public init(id: Int64, source: String, deviceID: String?, model: String?, name: String, time: Int64, receivedAt: Int64,
                assignmentID: String?, phase: String?, details: [String: String], error: ErrorInfo?, update: UpdateProgress?) {
        self.id = id
        self.source = source
        self.deviceID = deviceID
        self.model = model
        self.name = name
        self.time = time
        self.receivedAt = receivedAt
        self.assignmentID = assignmentID
        self.phase = phase
        self.details = details
        self.error = error
        self.update = update
    }
}
