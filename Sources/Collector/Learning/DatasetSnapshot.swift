import Bundles

/// An immutable, content-addressed set of labelled samples with a split per sample: what a model is trained and
/// evaluated on.
///
/// The id is the SHA-256 of ``canonicalManifest(model:dtype:shape:columns:validationPercent:members:)``: the
/// same samples with the same labels and layout always give the same id, whoever built it and whenever.
public struct DatasetSnapshot: Codable, Sendable, Equatable {
    /// Lower-case hex SHA-256 of the canonical manifest (`Lineage.datasetSnapshotSHA256` names it).
    public var id: String
    public var model: String
    public var dtype: String
    public var shape: [Int]
    public var columns: [String]
    public var validationPercent: Int
    /// Members sorted by sample hash.
    public var members: [SnapshotMember]
    public var createdAt: Int64
    public var createdBy: String
    /// The filter it was selected with (recorded, not part of the id).
    public var filter: SnapshotFilter
    /// What caused it (e.g. a drift report id), for the event chain; nil when made by hand.
    public var cause: String?

    public init(model: String, dtype: String, shape: [Int], columns: [String], validationPercent: Int, members: [SnapshotMember],
                createdAt: Int64, createdBy: String, filter: SnapshotFilter, cause: String? = nil) {
        self.model = model
        self.dtype = dtype
        self.shape = shape
        self.columns = columns
        self.validationPercent = validationPercent
        self.members = members.sorted { $0.sampleHash < $1.sampleHash }
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.filter = filter
        self.cause = cause
        id = Digest.sha256Hex(Self.canonicalManifest(model: model, dtype: dtype, shape: shape, columns: columns,
                                                     validationPercent: validationPercent, members: self.members))
    }

    /// `edgefleet.snapshot.v1`, the layout, then one `hash label split` line per member in hash order.
    public static func canonicalManifest(model: String, dtype: String, shape: [Int], columns: [String], validationPercent: Int,
                                         members: [SnapshotMember]) -> [UInt8] {
        var text = "edgefleet.snapshot.v1\nmodel \(model)\ndtype \(dtype)\nshape \(shape.map(String.init).joined(separator: ","))\n"
        text += "columns \(columns.joined(separator: ","))\nvalidation \(validationPercent)\n"
        for member in members { text += "\(member.sampleHash) \(member.label) \(member.split.rawValue)\n" }
        return Array(text.utf8)
    }

    /// Members per split.
    public func count(_ split: SnapshotSplit) -> Int { members.lazy.filter { $0.split == split }.count }

    /// Distinct labels, in the order the trainer sorts class names.
    public var classNames: [String] { Self.sortedLabels(Set(members.map(\.label))) }

    /// Numeric labels in numeric order, else lexical (as `Dataset` orders class names).
    static func sortedLabels(_ labels: Set<String>) -> [String] {
        if labels.allSatisfy({ Double($0) != nil }) { return labels.sorted { Double($0)! < Double($1)! } }
        return labels.sorted()
    }
}
