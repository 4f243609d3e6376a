/// The retained status of a device: `online` while connected, `offline` after a clean stop or as the Last Will.
public struct DeviceStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        case online
        case offline
    }

    public var state: State
    /// Why the device went offline: `shutdown` (clean stop) or `lost` (the broker published the will).
    public var reason: String?
    /// The bundle digest serving when the status was written.
    public var bundleDigest: String?

    public init(state: State, reason: String? = nil, bundleDigest: String? = nil) {
        self.state = state
        self.reason = reason
        self.bundleDigest = bundleDigest
    }
}
