// SELECT and SELECT_V2 (select.cc, reference Select / BroadcastSelect5DSlow): output = condition ? x : y, element by
// element with broadcasting of all three operands. Values are copied as they are (TFLite requires x, y and the output
// to share quantisation), so the kernel works on any element of 1, 2, 4 or 8 bytes.

/// Broadcast layout of condition, x and y against the output, each extended to 6-D.
public struct SelectParameters: Sendable, Equatable {
    public static let maxRank = 6
    public var outputShape: [Int]
    public var outputDims: [Int]
    /// Element strides of condition, x and y per output dimension (0 where broadcast).
    public var strides: [[Int]]
    public var outputCount: Int

    public init(conditionShape: [Int], xShape: [Int], yShape: [Int]) throws(KernelPreparationError) {
        let shapes = [conditionShape, xShape, yShape]
        let rank = shapes.map(\.count).max()!
        guard rank <= Self.maxRank else { throw .unsupported("SELECT supports at most 6 dimensions") }
        let extended = shapes.map { [Int](repeating: 1, count: Self.maxRank - $0.count) + $0 }
        var dims = [Int](repeating: 1, count: Self.maxRank)
        for d in 0..<Self.maxRank {
            for s in extended where s[d] != 1 {
                guard dims[d] == 1 || dims[d] == s[d] else {
                    throw .incompatibleShapes("cannot broadcast \(conditionShape), \(xShape) and \(yShape)")
                }
                dims[d] = s[d]
            }
        }
        strides = extended.map { s in
            var result = [Int](repeating: 0, count: Self.maxRank), step = 1
            for d in (0..<Self.maxRank).reversed() {
                result[d] = s[d] == 1 ? 0 : step
                step *= s[d]
            }
            return result
        }
        outputDims = dims
        outputShape = Array(dims[(Self.maxRank - rank)...])
        outputCount = dims.reduce(1, *)
    }
}

/// `output[i] = condition[i] != 0 ? x[i] : y[i]` with broadcasting. The buffers must not alias the output.
@inlinable
public func select<T>(_ p: SelectParameters, condition: UnsafePointer<UInt8>, x: UnsafePointer<T>, y: UnsafePointer<T>,
                      output: UnsafeMutablePointer<T>) {
    let d = p.outputDims, c = p.strides[0], a = p.strides[1], b = p.strides[2]
    var o = 0
    for i0 in 0..<d[0] { for i1 in 0..<d[1] { for i2 in 0..<d[2] { for i3 in 0..<d[3] { for i4 in 0..<d[4] {
        let ci = i0 * c[0] + i1 * c[1] + i2 * c[2] + i3 * c[3] + i4 * c[4]
        let ai = i0 * a[0] + i1 * a[1] + i2 * a[2] + i3 * a[3] + i4 * a[4]
        let bi = i0 * b[0] + i1 * b[1] + i2 * b[2] + i3 * b[3] + i4 * b[4]
        for i5 in 0..<d[5] {
            output[o] = condition[ci + i5 * c[5]] != 0 ? x[ai + i5 * a[5]] : y[bi + i5 * b[5]]
            o += 1
        }
    } } } } }
}
