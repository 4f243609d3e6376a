// ARG_MAX (arg_min_max.cc, reference arg_min_max.h): the raw quantised values are compared, so the scale is
// irrelevant; the first maximum wins.

/// Prepared geometry of ARG_MAX along one axis.
public struct ArgMaxParameters: Sendable, Equatable {
    /// Product of the extents before the axis.
    public var outerSize: Int
    /// Extent of the reduced axis.
    public var axisSize: Int
    /// Product of the extents after the axis.
    public var innerSize: Int
    /// The output shape: the input shape without the axis.
    public var outputShape: [Int]

    /// `axis` may be negative (counted from the end). Throws for a scalar input or an axis out of range.
    public init(inputShape: [Int], axis: Int) throws(KernelPreparationError) {
        let rank = inputShape.count
        let a = axis < 0 ? axis + rank : axis
        guard rank > 0 && a >= 0 && a < rank else {
            throw .incompatibleShapes("ARG_MAX axis \(axis) out of range for shape \(inputShape)")
        }
        outerSize = elementCount(Array(inputShape[..<a]))
        axisSize = inputShape[a]
        innerSize = elementCount(Array(inputShape[(a + 1)...]))
        var out = inputShape
        out.remove(at: a)
        outputShape = out
    }
}

/// ARG_MAX: the index of the first largest value along the axis, as int32 or int64.
///
/// For floats a NaN never wins and any number beats a NaN (current TFLite). `input` holds
/// outer·axis·inner elements, `output` outer·inner indices.
@inlinable
public func argMax<T: Comparable, Index: FixedWidthInteger>(
    _ p: ArgMaxParameters, input: UnsafePointer<T>, output: UnsafeMutablePointer<Index>
) {
    argExtremum(p, input: input, output: output, beats: >)
}

/// ARG_MAX and ARG_MIN: the index of the first value along the axis that no later value `beats`; a NaN never wins
/// and any number beats a NaN.
@inlinable @inline(__always) @usableFromInline
func argExtremum<T: Comparable, Index: FixedWidthInteger>(
    _ p: ArgMaxParameters, input: UnsafePointer<T>, output: UnsafeMutablePointer<Index>, beats: (T, T) -> Bool
) {
    for outer in 0..<p.outerSize {
        for inner in 0..<p.innerSize {
            let base = outer * p.axisSize * p.innerSize + inner
            var best = input[base]
            var bestIndex = 0
            for i in 1..<Swift.max(p.axisSize, 1) {
                let candidate = input[base + i * p.innerSize]
                // `x != x` only for NaN, so for integers this is plain `beats(candidate, best)`.
                if candidate == candidate && (best != best || beats(candidate, best)) {
                    best = candidate
                    bestIndex = i
                }
            }
            output[outer * p.innerSize + inner] = Index(truncatingIfNeeded: bestIndex)
        }
    }
}
