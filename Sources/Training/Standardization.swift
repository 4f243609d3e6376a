/// Per-feature standardisation `(x − mean) × inverseStd`, computed in float32 exactly as the exported SUB and MUL do.
///
/// Statistics come from the training rows only (in double precision); constant columns get an inverse standard
/// deviation of 1 so they pass through as zero.
public struct Standardization: Sendable, Equatable {
    public var mean: [Float]
    public var inverseStd: [Float]

    public init(mean: [Float], inverseStd: [Float]) {
        precondition(mean.count == inverseStd.count)
        self.mean = mean
        self.inverseStd = inverseStd
    }

    /// The identity (mean 0, scale 1) over `count` features.
    public static func identity(_ count: Int) -> Standardization {
        Standardization(mean: [Float](repeating: 0, count: count), inverseStd: [Float](repeating: 1, count: count))
    }

    /// Fits mean and standard deviation (population) of each column of row-major `features`.
    public init(fitting features: [Float], featureCount: Int) {
        let rows = featureCount == 0 ? 0 : features.count / featureCount
        var sum = [Double](repeating: 0, count: featureCount)
        var lo = [Float](repeating: .infinity, count: featureCount)
        var hi = [Float](repeating: -.infinity, count: featureCount)
        for r in 0..<rows {
            for c in 0..<featureCount {
                let x = features[r * featureCount + c]
                sum[c] += Double(x)
                lo[c] = min(lo[c], x)
                hi[c] = max(hi[c], x)
            }
        }
        let means = sum.map { rows == 0 ? 0 : $0 / Double(rows) }
        var squares = [Double](repeating: 0, count: featureCount)
        for r in 0..<rows {
            for c in 0..<featureCount {
                let d = Double(features[r * featureCount + c]) - means[c]
                squares[c] += d * d
            }
        }
        mean = means.map { Float($0) }
        inverseStd = (0..<featureCount).map { c in
            guard rows > 0, hi[c] > lo[c] else { return 1 }
            let std = (squares[c] / Double(rows)).squareRoot()
            let inverse = Float(1 / std)
            return inverse.isFinite && inverse > 0 ? inverse : 1
        }
    }

    /// Fits the training rows of a data set.
    public init(fitting data: Dataset) {
        self.init(fitting: data.features, featureCount: data.featureCount)
    }

    public var featureCount: Int { mean.count }

    /// Standardises row-major features, rounding each step to float32 as TFLite's SUB then MUL do.
    public func apply(_ features: [Float]) -> [Float] {
        var out = features
        let n = mean.count
        guard n > 0 else { return out }
        for i in out.indices {
            let c = i % n
            let centered = out[i] - mean[c]
            out[i] = centered * inverseStd[c]
        }
        return out
    }
}
