// CUMSUM (cumsum.cc, optimized_ops::CumSum through Eigen's scan): the input viewed as outer × axis × inner, each of
// the outer·inner lines summed in order along the axis from an accumulator of zero; `exclusive` writes the sum
// before adding the element, `reverse` runs the line from its end. Floats add in that same order, so the results
// are the reference's bit for bit; integers wrap as the reference's (unchecked) int32 and int64 sums do.

/// Geometry of CUMSUM along one axis.
public struct CumsumParameters: Sendable, Equatable {
    public var outer: Int
    public var axisSize: Int
    public var inner: Int
    public var exclusive: Bool
    public var reverse: Bool

    /// `axis` must already be resolved (0 ≤ axis < rank).
    public init(shape: [Int], axis: Int, exclusive: Bool, reverse: Bool) {
        outer = shape[..<axis].reduce(1, *)
        axisSize = shape[axis]
        inner = shape[(axis + 1)...].reduce(1, *)
        self.exclusive = exclusive
        self.reverse = reverse
    }
}

/// CUMSUM with `add` as the element sum (`+` for floats, `&+` for integers). The buffers must not alias.
@inlinable
public func cumsum<T: AdditiveArithmetic>(_ p: CumsumParameters, input: UnsafePointer<T>, output: UnsafeMutablePointer<T>,
                                          add: (T, T) -> T) {
    for o in 0..<p.outer {
        for i in 0..<p.inner {
            let base = o * p.axisSize * p.inner + i
            var sum = T.zero
            for step in 0..<p.axisSize {
                let k = base + (p.reverse ? p.axisSize - 1 - step : step) * p.inner
                if p.exclusive {
                    output[k] = sum
                    sum = add(sum, input[k])
                } else {
                    sum = add(sum, input[k])
                    output[k] = sum
                }
            }
        }
    }
}
