/// The reference distribution of one input feature on fixed bins, which devices sketch live inputs onto.
public struct FeatureHistogram: Codable, Sendable, Equatable {
    public var name: String
    /// Strictly increasing bin edges; bin i covers [edges[i], edges[i+1]), the last bin includes its upper edge.
    public var edges: [Double]
    /// Reference count per bin; `counts.count == edges.count - 1`.
    public var counts: [Int]

    public init(name: String, edges: [Double], counts: [Int]) {
        self.name = name
        self.edges = edges
        self.counts = counts
    }

    /// The bin a live value falls into; values outside the reference range go to the outer bins, NaN to none.
    public func binIndex(for value: Double) -> Int? {
        guard !value.isNaN, edges.count >= 2 else { return nil }
        // First edge greater than value, minus one: binary search keeps sketching cheap on small boards.
        var low = 0
        var high = edges.count
        while low < high {
            let middle = (low + high) / 2
            if edges[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return min(max(low - 1, 0), counts.count - 1)
    }

    func validate() throws(BundleError) {
        guard edges.count >= 2, counts.count == edges.count - 1 else {
            throw BundleError(.malformed, "baseline feature '\(name)': \(edges.count) edges do not bound \(counts.count) bins")
        }
        guard edges.allSatisfy(\.isFinite), zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw BundleError(.malformed, "baseline feature '\(name)': bin edges must be finite and strictly increasing")
        }
        guard counts.allSatisfy({ $0 >= 0 }) else {
            throw BundleError(.malformed, "baseline feature '\(name)': counts must not be negative")
        }
    }
}
