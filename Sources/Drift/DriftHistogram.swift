/// The counts of one feature over ordered bins: what a device sends instead of raw rows.
///
/// Bin i holds values in (edges[i−1], edges[i]]; the first bin is open below and the last open above, so
/// `counts.count == edges.count + 1`. A baseline histogram also carries the bins' centres (for Wasserstein) and
/// the feature's standard deviation when they were computed from raw rows; without them they are estimated from
/// the bins (see `resolvedCentres` and `resolvedStandardDeviation`). A current window's histogram may leave
/// `edges` empty: it is then read on the baseline's bins. Only counts enter the statistics, so which side of an
/// edge a tie falls on is the binning side's choice (Bundles' baselines use [eᵢ, eᵢ₊₁); see `init(name:boundedEdges:counts:)`).
/// Named apart from `Bundles.FeatureHistogram` (the bundle's stored baseline) so the collector can import both.
public struct DriftHistogram: Codable, Equatable, Sendable {
    /// The feature's name (matches the baseline and the current window).
    public var name: String
    /// Interior bin edges, strictly increasing; empty in a current window that uses the baseline's bins.
    public var edges: [Double]
    /// Observation counts per bin: whole, non-negative, finite numbers.
    public var counts: [Double]
    /// Representative value of each bin (the baseline mean within the bin), when known.
    public var centres: [Double]?
    /// The baseline's standard deviation from raw rows, when known.
    public var standardDeviation: Double?
    /// Unordered categories (e.g. predicted classes): Wasserstein is meaningless and left out of the verdict.
    public var isCategorical: Bool

    public init(name: String, edges: [Double], counts: [Double], centres: [Double]? = nil, standardDeviation: Double? = nil,
                isCategorical: Bool = false) {
        self.name = name
        self.edges = edges
        self.counts = counts
        self.centres = centres
        self.standardDeviation = standardDeviation
        self.isCategorical = isCategorical
    }

    /// A histogram in the layout of `Bundles.FeatureHistogram` (the bundle's drift baseline): `boundedEdges` are
    /// all edges including the outer bounds (`counts.count + 1` of them), and values outside the range were
    /// clamped into the outer bins. The interior edges become `edges`; the outer bins' centres are the
    /// midpoints of their bounded ranges.
    public init(name: String, boundedEdges: [Double], counts: [Int]) {
        let interior = boundedEdges.count >= 2 ? Array(boundedEdges.dropFirst().dropLast()) : []
        // Spelled out: as one ternary with a closure, Swift 6.2's type checker gave up on it ("reasonable time").
        var centres: [Double]?
        if boundedEdges.count == counts.count + 1, !counts.isEmpty {
            var midpoints = [Double]()
            midpoints.reserveCapacity(counts.count)
            for index in 0..<counts.count { midpoints.append((boundedEdges[index] + boundedEdges[index + 1]) / 2) }
            centres = midpoints
        }
        self.init(name: name, edges: interior, counts: counts.map(Double.init), centres: centres)
    }

    /// Counts of unordered categories (e.g. the predicted classes of `Bundles.ClassDistribution`): compared with
    /// PSI, Jensen–Shannon and chi-square only.
    public static func categorical(name: String, counts: [Int]) -> DriftHistogram {
        DriftHistogram(name: name, edges: counts.count > 1 ? (1..<counts.count).map { Double($0) - 0.5 } : [],
                       counts: counts.map(Double.init), centres: counts.indices.map(Double.init), isCategorical: true)
    }

    enum CodingKeys: String, CodingKey {
        case name, edges, counts, centres, standardDeviation = "standard_deviation", isCategorical = "categorical"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        edges = try c.decodeIfPresent([Double].self, forKey: .edges) ?? []
        counts = try c.decode([Double].self, forKey: .counts)
        centres = try c.decodeIfPresent([Double].self, forKey: .centres)
        standardDeviation = try c.decodeIfPresent(Double.self, forKey: .standardDeviation)
        isCategorical = try c.decodeIfPresent(Bool.self, forKey: .isCategorical) ?? false
    }

    /// The number of observations.
    public var total: Double { counts.reduce(0, +) }

    /// Throws a `DriftError` for a histogram that cannot be compared: wrong bin count, negative, fractional or
    /// non-finite counts, non-increasing or non-finite edges, centres of the wrong length.
    /// - Parameter bins: the bin count it must have (the baseline's), or nil to check it against its own edges.
    public func validate(bins: Int? = nil) throws {
        let expected = bins ?? edges.count + 1
        if counts.count != expected {
            throw DriftError(.binCountMismatch, "feature \(name): \(counts.count) counts but the baseline has \(expected) bins; send counts on the baseline's bins")
        }
        if bins == nil || !edges.isEmpty {
            if edges.count + 1 != counts.count {
                throw DriftError(.binCountMismatch, "feature \(name): \(edges.count) edges need \(edges.count + 1) counts, got \(counts.count)")
            }
            for (i, edge) in edges.enumerated() {
                if !edge.isFinite { throw DriftError(.nonFinite, "feature \(name): edge \(i) is \(edge); edges must be finite numbers") }
                if i > 0 && edge <= edges[i - 1] {
                    throw DriftError(.edgesNotIncreasing, "feature \(name): edge \(i) (\(edge)) is not above edge \(i - 1) (\(edges[i - 1])); edges must be strictly increasing")
                }
            }
        }
        for (i, count) in counts.enumerated() {
            if !count.isFinite { throw DriftError(.nonFinite, "feature \(name): count of bin \(i) is \(count); counts must be finite") }
            if count < 0 { throw DriftError(.negativeCount, "feature \(name): count of bin \(i) is \(count); counts must not be negative") }
            if count.rounded() != count { throw DriftError(.nonIntegerCount, "feature \(name): count of bin \(i) is \(count); counts must be whole numbers") }
        }
        if let centres {
            if centres.count != counts.count {
                throw DriftError(.binCountMismatch, "feature \(name): \(centres.count) centres for \(counts.count) bins")
            }
            if let bad = centres.firstIndex(where: { !$0.isFinite }) {
                throw DriftError(.nonFinite, "feature \(name): centre of bin \(bad) is \(centres[bad]); centres must be finite")
            }
            if let bad = centres.indices.dropFirst().first(where: { centres[$0] < centres[$0 - 1] }) {
                throw DriftError(.edgesNotIncreasing, "feature \(name): centre of bin \(bad) (\(centres[bad])) is below the previous one; centres must follow the bins' order")
            }
        }
        if let standardDeviation, !(standardDeviation.isFinite && standardDeviation >= 0) {
            throw DriftError(.nonFinite, "feature \(name): standard deviation is \(standardDeviation); it must be a finite non-negative number")
        }
    }

    /// The bins' centres: the given ones, else edge midpoints, with the open outer bins placed half a neighbouring
    /// bin's width beyond their edge (one bin: 0).
    public var resolvedCentres: [Double] {
        if let centres { return centres }
        guard !edges.isEmpty else { return [0] }
        if edges.count == 1 { return [edges[0] - 0.5, edges[0] + 0.5] }
        var result = [Double]()
        result.append(edges[0] - (edges[1] - edges[0]) / 2)
        for i in 1..<edges.count { result.append((edges[i - 1] + edges[i]) / 2) }
        result.append(edges[edges.count - 1] + (edges[edges.count - 1] - edges[edges.count - 2]) / 2)
        return result
    }

    /// The standard deviation: the given one, else the spread of the bin centres weighted by the counts
    /// (this ignores the spread within bins, so it underestimates slightly and the normalised Wasserstein
    /// overestimates by the same factor).
    public var resolvedStandardDeviation: Double {
        if let standardDeviation { return standardDeviation }
        let n = total
        guard n > 0 else { return 0 }
        let c = resolvedCentres
        var mean = 0.0
        for i in counts.indices { mean += counts[i] * c[i] }
        mean /= n
        var variance = 0.0
        for i in counts.indices { variance += counts[i] * (c[i] - mean) * (c[i] - mean) }
        return (variance / n).squareRoot()
    }
}
