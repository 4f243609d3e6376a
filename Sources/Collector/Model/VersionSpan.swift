/// One stretch of time during which a device served one bundle (the ledger of what ran where).
///
/// Derived from the device's stored telemetry: `from` is the start of the first report's interval on that bundle,
/// `to` the placement time of the last; `current` marks the stretch still going on (the device's newest reports).
public struct VersionSpan: Codable, Sendable, Equatable {
    public var deviceID: String
    public var model: String?
    public var digest: String?
    public var from: Int64
    public var to: Int64
    public var current: Bool

    public init(deviceID: String, model: String?, digest: String?, from: Int64, to: Int64, current: Bool) {
        self.deviceID = deviceID
        self.model = model
        self.digest = digest
        self.from = from
        self.to = to
        self.current = current
    }
}
