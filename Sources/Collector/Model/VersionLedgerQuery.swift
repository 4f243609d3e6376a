/// A question to the ledger: which devices served which bundle, optionally at one instant.
public struct VersionLedgerQuery: Sendable, Equatable {
    public var deviceID: String?
    public var digest: String?
    /// Only stretches covering this instant (ms since 1970): "which devices ran X last Tuesday at noon?".
    public var at: Int64?
    public var limit: Int

    public init(deviceID: String? = nil, digest: String? = nil, at: Int64? = nil, limit: Int = 1000) {
        self.deviceID = deviceID
        self.digest = digest
        self.at = at
        self.limit = limit
    }
}
