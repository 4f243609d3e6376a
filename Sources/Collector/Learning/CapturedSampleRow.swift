/// A captured sample joined with its newest label, as the store reads it for a snapshot.
public struct CapturedSampleRow: Sendable, Equatable {
    /// The row id in `samples`.
    public var rowID: Int64
    public var deviceID: String
    public var sampleID: String
    public var time: Int64
    public var digest: String?
    /// The stored message (the envelope with the `SampleRecord`).
    public var body: [UInt8]
    public var label: Int

    public init(rowID: Int64, deviceID: String, sampleID: String, time: Int64, digest: String?, body: [UInt8], label: Int) {
        self.rowID = rowID
        self.deviceID = deviceID
        self.sampleID = sampleID
        self.time = time
        self.digest = digest
        self.body = body
        self.label = label
    }
}
