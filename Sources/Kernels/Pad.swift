// PAD / PADV2 with a constant (pad.cc, reference Pad): pure data movement. Quantised tensors pad with the output
// zero point, or with PADV2's constant_values element (which TFLite requires to share the output's quantisation).

/// Prepared geometry of PAD, up to 6-D.
public struct PadParameters: Sendable, Equatable {
    /// The maximum rank supported (TFLite's reference allows up to 5; 6 costs nothing here).
    public static let maxRank = 6

    /// The output shape, at the input's rank.
    public var outputShape: [Int]
    /// Input extents, extended with leading 1s to `maxRank`.
    public var inputDims: [Int]
    /// Output extents, extended with leading 1s to `maxRank`.
    public var outputDims: [Int]
    /// Padding before each extended dimension.
    public var before: [Int]

    /// Validates the paddings (`paddings[d] = (before, after)`, one pair per input dimension, non-negative).
    public init(inputShape: [Int], paddings: [(before: Int, after: Int)]) throws(KernelPreparationError) {
        guard paddings.count == inputShape.count else {
            throw .incompatibleShapes("PAD needs one padding pair per dimension: \(inputShape), \(paddings.count) pairs")
        }
        guard inputShape.count <= Self.maxRank else {
            throw .unsupported("PAD supports at most \(Self.maxRank) dimensions")
        }
        for pair in paddings where pair.before < 0 || pair.after < 0 {
            throw .unsupported("PAD paddings must be non-negative")
        }
        let lead = Self.maxRank - inputShape.count
        outputShape = zip(inputShape, paddings).map { $0 + $1.before + $1.after }
        inputDims = [Int](repeating: 1, count: lead) + inputShape
        outputDims = [Int](repeating: 1, count: lead) + outputShape
        before = [Int](repeating: 0, count: lead) + paddings.map(\.before)
    }
}

/// Constant PAD: copies the input into the output's interior and fills the border with `padValue`.
///
/// `input` holds the input shape's elements and `output` the output shape's; they must not alias.
@inlinable
public func pad<T>(_ p: PadParameters, input: UnsafePointer<T>, output: UnsafeMutablePointer<T>, padValue: T) {
    let od = p.outputDims, id = p.inputDims, b = p.before
    let rowIn = id[5], rowOut = od[5], left = b[5]
    let right = rowOut - left - rowIn
    @inline(__always) func inside(_ i: Int, _ d: Int) -> Bool { i >= b[d] && i < b[d] + id[d] }
    var out = output
    var inRow = input
    for i0 in 0..<od[0] {
        for i1 in 0..<od[1] {
            for i2 in 0..<od[2] {
                for i3 in 0..<od[3] {
                    for i4 in 0..<od[4] {
                        if inside(i0, 0) && inside(i1, 1) && inside(i2, 2) && inside(i3, 3) && inside(i4, 4) {
                            // Interior rows are visited in input order, so the input is read sequentially.
                            out.update(repeating: padValue, count: left)
                            (out + left).update(from: inRow, count: rowIn)
                            (out + left + rowIn).update(repeating: padValue, count: right)
                            inRow += rowIn
                        } else {
                            out.update(repeating: padValue, count: rowOut)
                        }
                        out += rowOut
                    }
                }
            }
        }
    }
}
