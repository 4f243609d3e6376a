/// Live values of one input feature counted on the bundle's baseline bins (same edges, same order).
public struct FeatureCounts: Codable, Sendable, Equatable {
    public var name: String
    public var counts: [UInt64]

    public init(name: String, counts: [UInt64]) {
        self.name = name
        self.counts = counts
    }
}
