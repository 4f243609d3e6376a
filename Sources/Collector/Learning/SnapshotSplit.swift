/// Which part of a snapshot a sample belongs to, derived from its hash alone.
///
/// Deriving the split from the content (not from a random draw or the row order) means a sample lands in the same
/// split in every snapshot that holds it, so a model is never evaluated on a sample an earlier snapshot trained on
/// at the same validation share.
public enum SnapshotSplit: String, Codable, Sendable, CaseIterable {
    case train
    /// The held-out split: the gate judges candidates on it, golden cases come from it.
    case validation

    /// `validation` when the first 8 bytes of the hash, as a number, fall in the lowest `validationPercent` of 100.
    public static func assign(hash: String, validationPercent: Int) -> SnapshotSplit {
        let prefix = UInt64(hash.prefix(16), radix: 16) ?? 0
        return Int(prefix % 100) < validationPercent ? .validation : .train
    }
}
