/// NumPy-style broadcasting of two operands up to 6-D, resolved at prepare time (TFLite's `NdArrayDesc`).
///
/// Shapes are right-aligned and extended with leading 1s to 6-D; a dimension of 1 against any other extent
/// broadcasts (its stride becomes 0). The output is walked in row-major order.
public struct BroadcastShape: Sendable, Equatable {
    /// The maximum rank TFLite's broadcasting reference kernels accept.
    public static let maxRank = 6

    /// The broadcast output shape, at the rank of the larger operand.
    public var outputShape: [Int]
    /// The output shape extended with leading 1s to `maxRank`.
    public var extendedOutputShape: [Int]
    /// Element strides of input 1 over `extendedOutputShape` (0 where it broadcasts).
    public var input1Strides: [Int]
    /// Element strides of input 2 over `extendedOutputShape` (0 where it broadcasts).
    public var input2Strides: [Int]
    /// Number of output elements.
    public var outputCount: Int
    /// False when both inputs have the output's element layout, so a flat elementwise loop suffices.
    public var needsBroadcast: Bool

    /// Resolves the broadcast of two shapes; throws when an extent pair is neither equal nor contains a 1.
    public init(input1Shape: [Int], input2Shape: [Int]) throws(KernelPreparationError) {
        let rank = Swift.max(input1Shape.count, input2Shape.count)
        guard rank <= Self.maxRank else {
            throw .incompatibleShapes("broadcasting supports at most \(Self.maxRank) dimensions, got \(rank)")
        }
        let e1 = [Int](repeating: 1, count: Self.maxRank - input1Shape.count) + input1Shape
        let e2 = [Int](repeating: 1, count: Self.maxRank - input2Shape.count) + input2Shape
        var out = [Int](repeating: 1, count: Self.maxRank)
        for i in 0..<Self.maxRank {
            let a = e1[i], b = e2[i]
            if a == b || b == 1 {
                out[i] = a
            } else if a == 1 {
                out[i] = b
            } else {
                throw .incompatibleShapes("cannot broadcast \(input1Shape) with \(input2Shape)")
            }
        }
        func strides(_ dims: [Int]) -> [Int] {
            var s = [Int](repeating: 0, count: Self.maxRank)
            var step = 1
            for i in stride(from: Self.maxRank - 1, through: 0, by: -1) {
                s[i] = dims[i] == 1 ? 0 : step
                step *= dims[i]
            }
            return s
        }
        self.extendedOutputShape = out
        self.outputShape = Array(out.suffix(rank))
        self.input1Strides = strides(e1)
        self.input2Strides = strides(e2)
        self.outputCount = elementCount(out)
        self.needsBroadcast = e1 != out || e2 != out
    }
}

/// Applies `op` to every broadcast pair of elements, writing the output in row-major order.
///
/// `input1`/`input2` hold the elements of the shapes the `BroadcastShape` was built from; `output` holds
/// `shape.outputCount` elements. The output may alias an input only when that input is not broadcast.
@inlinable @inline(__always)
func broadcastBinary<A, B, O>(
    _ shape: BroadcastShape, _ input1: UnsafePointer<A>, _ input2: UnsafePointer<B>, _ output: UnsafeMutablePointer<O>,
    _ op: (A, B) -> O
) {
    if !shape.needsBroadcast {
        for i in 0..<shape.outputCount {
            output[i] = op(input1[i], input2[i])
        }
        return
    }
    let d = shape.extendedOutputShape
    let s1 = shape.input1Strides
    let s2 = shape.input2Strides
    var o = 0
    for i0 in 0..<d[0] {
        let a0 = i0 * s1[0], b0 = i0 * s2[0]
        for i1 in 0..<d[1] {
            let a1 = a0 + i1 * s1[1], b1 = b0 + i1 * s2[1]
            for i2 in 0..<d[2] {
                let a2 = a1 + i2 * s1[2], b2 = b1 + i2 * s2[2]
                for i3 in 0..<d[3] {
                    let a3 = a2 + i3 * s1[3], b3 = b2 + i3 * s2[3]
                    for i4 in 0..<d[4] {
                        var a = a3 + i4 * s1[4], b = b3 + i4 * s2[4]
                        let inner1 = s1[5], inner2 = s2[5]
                        for _ in 0..<d[5] {
                            output[o] = op(input1[a], input2[b])
                            o += 1
                            a += inner1
                            b += inner2
                        }
                    }
                }
            }
        }
    }
}
