/// What storing one batch did.
public struct IngestOutcome: Sendable, Equatable {
    /// One acknowledgement per stream the batch touched (including streams that only saw duplicates).
    public var acknowledgements: [StreamAcknowledgement]
    /// Messages newly stored.
    public var stored: Int
    /// Queued messages already stored before (replays), skipped.
    public var duplicates: Int
    /// Messages kept apart as implausible (``StreamLedger``), by reason.
    public var quarantined: [StreamLedger.QuarantineReason: Int]

    public init(acknowledgements: [StreamAcknowledgement] = [], stored: Int = 0, duplicates: Int = 0,
                quarantined: [StreamLedger.QuarantineReason: Int] = [:]) {
        self.acknowledgements = acknowledgements
        self.stored = stored
        self.duplicates = duplicates
        self.quarantined = quarantined
    }
}
