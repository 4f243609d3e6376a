import PostgresNIO

extension PostgresRandomAccessRow {
    /// Column `index` decoded as the type the caller expects (`Int64?` reads NULL as nil).
    func value<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try self[index].decode(T.self)
    }
}
