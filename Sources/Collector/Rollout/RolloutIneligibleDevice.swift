/// A targeted device the rollout leaves alone, and why (e.g. its firmware profile lacks a required feature).
public struct RolloutIneligibleDevice: Codable, Sendable, Equatable {
    public var deviceID: String
    public var reason: String

    public init(deviceID: String, reason: String) {
        self.deviceID = deviceID
        self.reason = reason
    }
}
