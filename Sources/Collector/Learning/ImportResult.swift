/// What a CSV import stored.
public struct ImportResult: Codable, Sendable, Equatable {
    /// Rows read.
    public var rows: Int
    /// Samples new to the store.
    public var added: Int
    /// Rows whose features were already stored (their label was updated).
    public var duplicates: Int
    /// Hashes of the rows, in file order.
    public var hashes: [String]

    public init(rows: Int, added: Int, duplicates: Int, hashes: [String]) {
        self.rows = rows
        self.added = added
        self.duplicates = duplicates
        self.hashes = hashes
    }
}
