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

/// Int8 CUMSUM as TFLite Micro computes it (micro/kernels/cumsum.cc, reference_ops::CumSum for int8; LiteRT's own
/// CUMSUM has no int8 path): each input is offset, shifted left by 20 and scaled by 1/2, summed in int32, then
/// requantised with 2·s_in / (2²⁰·s_out). The accumulator starts from the scaled input offset (the scaled value of
/// a zero byte), as the reference does, not from 0; with input zero point 0 the two agree.
public struct CumsumInt8Parameters: Sendable, Equatable {
    public static let leftShift: Int32 = 20
    public var inputOffset: Int32
    public var outputOffset: Int32
    public var inputMultiplier: QuantizedMultiplier
    public var outputMultiplier: QuantizedMultiplier

    public init(inputScale: Float, inputZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32) {
        inputOffset = -inputZeroPoint
        outputOffset = outputZeroPoint
        let twiceMaxInputScale = 2 * Double(inputScale)
        inputMultiplier = QuantizedMultiplier(Double(inputScale) / twiceMaxInputScale)
        outputMultiplier = QuantizedMultiplier(twiceMaxInputScale / (Double(1 << Self.leftShift) * Double(outputScale)))
    }

    /// An offset input value shifted and scaled into the accumulator's units.
    @inlinable
    public func scaled(_ y: Int32) -> Int32 {
        multiplyByQuantizedMultiplierSmallerThanOneExp(y &* (1 << Self.leftShift), inputMultiplier.multiplier, inputMultiplier.shift)
    }
}

/// Int8 CUMSUM (see `CumsumInt8Parameters`). The buffers must not alias.
@inlinable
public func cumsum(_ p: CumsumParameters, _ q: CumsumInt8Parameters, input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>) {
    let start = q.scaled(q.inputOffset)
    for o in 0..<p.outer {
        for i in 0..<p.inner {
            let base = o * p.axisSize * p.inner + i
            var sum = start
            for step in 0..<p.axisSize {
                let k = base + (p.reverse ? p.axisSize - 1 - step : step) * p.inner
                let y = q.scaled(q.inputOffset &+ Int32(input[k]))
                let value: Int32
                if p.exclusive {
                    value = sum
                    sum = sum &+ y
                } else {
                    sum = sum &+ y
                    value = sum
                }
                let raw = multiplyByQuantizedMultiplierSmallerThanOneExp(value, q.outputMultiplier.multiplier, q.outputMultiplier.shift) &+ q.outputOffset
                output[k] = Int8(Swift.min(Swift.max(raw, -128), 127))
            }
        }
    }
}
