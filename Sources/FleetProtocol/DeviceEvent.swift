/// Something notable happened on the device: an update phase, a fallback, a refused command.
public struct DeviceEvent: Codable, Sendable, Equatable {
    public var name: EventName
    public var update: UpdateProgress?
    public var error: ErrorInfo?
    public var details: [String: String]

    public init(name: EventName, update: UpdateProgress? = nil, error: ErrorInfo? = nil, details: [String: String] = [:]) {
        self.name = name
        self.update = update
        self.error = error
        self.details = details
    }
}
