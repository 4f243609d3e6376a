// REDUCE_MAX and REDUCE_MIN (reduce.cc, reference ReduceGeneric): the extreme value over the reduced axes. On
// quantised tensors TFLite compares the raw values (input and output share scale and zero point), so one kernel
// serves int8, uint8, int32 and float32.

/// Geometry of a reduction: the input extended to 6-D and, per dimension, the output stride (0 where reduced).
public struct ReduceParameters: Sendable, Equatable {
    public static let maxRank = 6
    public var inputDims: [Int]
    public var outputStrides: [Int]
    public var outputCount: Int

    /// `axes` are the (already resolved, non-negative) dimensions reduced.
    public init(inputShape: [Int], axes: [Int]) throws(KernelPreparationError) {
        guard inputShape.count <= Self.maxRank else { throw .unsupported("reductions support at most 6 dimensions") }
        guard axes.allSatisfy({ $0 >= 0 && $0 < inputShape.count }) else { throw .incompatibleShapes("axes \(axes) out of range") }
        var strides = [Int](repeating: 0, count: inputShape.count)
        var s = 1
        for d in inputShape.indices.reversed() where !axes.contains(d) {
            strides[d] = s
            s *= inputShape[d]
        }
        outputCount = s
        let lead = Self.maxRank - inputShape.count
        inputDims = [Int](repeating: 1, count: lead) + inputShape
        outputStrides = [Int](repeating: 0, count: lead) + strides
    }
}

/// The maximum (`maximum: true`) or minimum over the reduced axes. The buffers must not alias.
@inlinable
public func reduceExtremum<T: Comparable>(_ p: ReduceParameters, maximum: Bool, initial: T, input: UnsafePointer<T>,
                                          output: UnsafeMutablePointer<T>) {
    output.update(repeating: initial, count: p.outputCount)
    let d = p.inputDims, s = p.outputStrides
    var i = 0
    for i0 in 0..<d[0] {
        for i1 in 0..<d[1] {
            for i2 in 0..<d[2] {
                for i3 in 0..<d[3] {
                    for i4 in 0..<d[4] {
                        let base = i0 * s[0] + i1 * s[1] + i2 * s[2] + i3 * s[3] + i4 * s[4]
                        for i5 in 0..<d[5] {
                            let o = base + i5 * s[5]
                            let v = input[i]
                            if maximum ? v > output[o] : v < output[o] { output[o] = v }
                            i += 1
                        }
                    }
                }
            }
        }
    }
}
