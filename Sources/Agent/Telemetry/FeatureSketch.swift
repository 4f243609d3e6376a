import Bundles
import Runtime
import TFLite

/// Maps each element of the model's first input to its baseline feature's bin, precomputed for speed.
///
/// Used when the baseline has exactly one feature per input element (the builder's default for tabular
/// and audio-feature models). For int8/uint8 inputs a 256-entry table per feature turns a quantised value into
/// its bin with one load; float32 inputs use a binary search over the edges. A bin whose baseline count is
/// zero, and any value beyond the outer edges, counts as an outlier for drift-driven capture.
final class FeatureSketch {
    let names: [String]
    /// First bin of each feature in the flat counts.
    let offsets: [Int]
    let totalBins: Int
    private let elementType: TensorType
    /// int8/uint8: `table[feature * 256 + byte]` = bin | 0x8000 when the bin is an outlier.
    private let table: [UInt16]
    /// float32: edges of every feature, flat, and where each feature's edges start.
    private let edges: [Double]
    private let edgeOffsets: [Int]
    private let emptyBin: [Bool]

    /// Nil when the baseline's features do not correspond one-to-one to the input's elements.
    init?(baseline: DriftBaseline, input: TensorInfo) {
        let features = baseline.features
        let elements = input.shape.reduce(1, *)
        guard !features.isEmpty, features.count == elements,
              [.int8, .uint8, .float32].contains(input.type) else { return nil }
        names = features.map(\.name)
        var offsets: [Int] = []
        var total = 0
        var edges: [Double] = []
        var edgeOffsets: [Int] = []
        var emptyBin: [Bool] = []
        for feature in features {
            offsets.append(total)
            total += feature.counts.count
            edgeOffsets.append(edges.count)
            edges += feature.edges
            emptyBin += feature.counts.map { $0 == 0 }
        }
        self.offsets = offsets
        self.totalBins = total
        self.elementType = input.type
        self.edgeOffsets = edgeOffsets
        self.edges = edges
        self.emptyBin = emptyBin
        if input.type == .float32 {
            table = []
        } else {
            var table = [UInt16](repeating: 0, count: features.count * 256)
            for (index, feature) in features.enumerated() {
                for byte in 0..<256 {
                    let q = input.type == .int8 ? Int(Int8(truncatingIfNeeded: byte)) : byte
                    let value = input.scale > 0 ? Double(input.scale) * Double(q - Int(input.zeroPoint)) : Double(q)
                    let bin = feature.binIndex(for: value) ?? 0
                    let outside = value < feature.edges.first! || value > feature.edges.last!
                    let outlier = outside || feature.counts[bin] == 0
                    table[index * 256 + byte] = UInt16(bin) | (outlier ? 0x8000 : 0)
                }
            }
            self.table = table
        }
    }

    /// Adds one input's values to `counts` (flat, ``totalBins`` long); returns how many were outliers.
    func record(_ input: UnsafeRawBufferPointer, into counts: UnsafeMutableBufferPointer<UInt64>) -> Int {
        var outliers = 0
        if elementType == .float32 {
            let values = input.bindMemory(to: Float.self)
            for feature in 0..<offsets.count {
                let value = Double(values[feature])
                guard !value.isNaN else { continue }
                let first = edgeOffsets[feature]
                let binCount = (feature + 1 < offsets.count ? offsets[feature + 1] : totalBins) - offsets[feature]
                var low = 0, high = binCount + 1
                while low < high {
                    let middle = (low + high) / 2
                    if edges[first + middle] <= value { low = middle + 1 } else { high = middle }
                }
                let bin = min(max(low - 1, 0), binCount - 1)
                counts[offsets[feature] + bin] &+= 1
                if value < edges[first] || value > edges[first + binCount] || emptyBin[offsets[feature] + bin] { outliers += 1 }
            }
        } else {
            table.withUnsafeBufferPointer { table in
                offsets.withUnsafeBufferPointer { offsets in
                    for feature in 0..<offsets.count {
                        let entry = table[feature &* 256 &+ Int(input[feature])]
                        counts[offsets[feature] &+ Int(entry & 0x7FFF)] &+= 1
                        outliers &+= Int(entry >> 15)
                    }
                }
            }
        }
        return outliers
    }

    /// Bin count of feature `index`.
    func binCount(_ index: Int) -> Int {
        (index + 1 < offsets.count ? offsets[index + 1] : totalBins) - offsets[index]
    }
}
