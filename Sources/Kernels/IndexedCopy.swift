// MIRROR_PAD (mirror_pad.cc) and RESIZE_NEAREST_NEIGHBOR (reference resize_nearest_neighbor.h): every output
// element is one input element, chosen per dimension through a small table (output coordinate → input coordinate)
// built at prepare. The bytes are copied, so input and output share quantisation.

/// Per-dimension coordinate tables of an output extended to 6-D.
public struct IndexedCopyParameters: Sendable, Equatable {
    public static let maxRank = 6
    public var outputDims: [Int]
    /// `tables[d][i]`: input element offset (coordinate × input stride) for output coordinate i of dimension d.
    public var tables: [[Int]]

    /// `coordinates[d]` maps each output coordinate of dimension d to an input coordinate in `0..<inputShape[d]`.
    public init(inputShape: [Int], coordinates: [[Int]]) throws(KernelPreparationError) {
        guard inputShape.count == coordinates.count, inputShape.count <= Self.maxRank else {
            throw .unsupported("at most \(Self.maxRank) dimensions, one coordinate table each")
        }
        for (d, table) in coordinates.enumerated() where table.contains(where: { $0 < 0 || $0 >= inputShape[d] }) {
            throw .incompatibleShapes("coordinate outside dimension \(d) of \(inputShape)")
        }
        var stride = 1
        var tables = [[Int]](repeating: [], count: inputShape.count)
        for d in inputShape.indices.reversed() {
            tables[d] = coordinates[d].map { $0 * stride }
            stride *= inputShape[d]
        }
        let lead = Self.maxRank - inputShape.count
        self.tables = [[Int]](repeating: [0], count: lead) + tables
        outputDims = self.tables.map(\.count)
    }

    /// TFLite's `GetNearestNeighbor`: the input coordinate RESIZE_NEAREST_NEIGHBOR reads for output coordinate `x`.
    public static func nearest(_ x: Int, inputSize: Int, outputSize: Int, alignCorners: Bool, halfPixelCenters: Bool) -> Int {
        let scale: Float = alignCorners && outputSize > 1 ? Float(inputSize - 1) / Float(outputSize - 1) : Float(inputSize) / Float(outputSize)
        let offset: Float = halfPixelCenters ? 0.5 : 0
        let v = (Float(x) + offset) * scale
        var value = Swift.min(alignCorners ? Int(v.rounded(.toNearestOrAwayFromZero)) : Int(v.rounded(.down)), inputSize - 1)
        if halfPixelCenters { value = Swift.max(0, value) }
        return value
    }

    /// MIRROR_PAD's input coordinate for output coordinate `x` (`offset` 1 for REFLECT, 0 for SYMMETRIC).
    public static func mirrored(_ x: Int, before: Int, inputSize: Int, offset: Int) -> Int {
        if x < before {
            let original = before + offset - 1
            return original - Swift.min(x, original - offset)
        }
        let inside = x - before
        if inside >= inputSize {
            let over = inside - inputSize
            let original = inputSize - (1 + offset)
            return original - Swift.min(over, original)
        }
        return inside
    }
}

/// Copies `input` through the coordinate tables into `output` (dense, row-major). The buffers must not alias.
@inlinable
public func indexedCopy<T>(_ p: IndexedCopyParameters, input: UnsafePointer<T>, output: UnsafeMutablePointer<T>) {
    let t = p.tables
    var o = 0
    for a in t[0] { for b in t[1] { for c in t[2] { for d in t[3] { for e in t[4] {
        let base = a + b + c + d + e
        for f in t[5] {
            output[o] = input[base + f]
            o += 1
        }
    } } } } }
}
