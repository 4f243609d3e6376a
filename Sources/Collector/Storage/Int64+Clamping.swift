extension Int64 {
    /// SQLite integers are signed: counters above Int64.max (never seen in practice) are stored as Int64.max.
    init(storing value: UInt64) { self = value > UInt64(Int64.max) ? .max : Int64(value) }
}

extension UInt64 {
    /// The inverse of `Int64(storing:)`; negative values (never written) read as 0.
    init(stored value: Int64?) { self = UInt64(Swift.max(0, value ?? 0)) }
}
