/// A verified bundle to add to the registry.
public struct NewModelVersion: Sendable {
    public var record: ModelVersionRecord
    /// The canonical manifest JSON, kept for inspection.
    public var manifestJSON: String

    public init(record: ModelVersionRecord, manifestJSON: String) {
        self.record = record
        self.manifestJSON = manifestJSON
    }
}
