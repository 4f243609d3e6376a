/// An event the collector itself records (registrations, alias moves, assignments).
public struct CollectorEvent: Sendable, Equatable {
    public var name: String
    public var deviceID: String?
    public var model: String?
    public var details: [String: String]

    public init(name: String, deviceID: String? = nil, model: String? = nil, details: [String: String] = [:]) {
        self.name = name
        self.deviceID = deviceID
        self.model = model
        self.details = details
    }
}
