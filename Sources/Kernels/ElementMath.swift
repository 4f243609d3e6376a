// Elementwise float32 and int32 math that mixed models need (the reference kernels of elementwise.cc, div.cc,
// floor_div.cc, maximum_minimum.cc, squared_difference.cc, add.cc for float): each output element is one C
// expression over the inputs, evaluated in single precision as TFLite does (sqrtf, expf, logf from the C library).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A unary float32 function.
public enum FloatUnaryFunction: Sendable, Equatable {
    case sqrt, rsqrt, abs, neg, exp, log, square, floor, ceil, sin, cos
    /// ROUND: half to even as reference round.h `RoundToNearest` computes it (so −0.3 gives +0, not −0).
    case round
    /// ELU: `expm1f(x)` below zero, `x` otherwise (reference elu.h); fdlibm's `expm1f` (`fdlibmExpm1f`), not the C library's.
    case elu
}

/// Applies `f` to `count` floats. The output may alias the input.
@inlinable
public func floatUnary(_ f: FloatUnaryFunction, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    switch f {
    case .sqrt: for i in 0..<count { output[i] = input[i].squareRoot() }
    case .rsqrt: for i in 0..<count { output[i] = 1 / input[i].squareRoot() }
    case .abs: for i in 0..<count { output[i] = Swift.abs(input[i]) }
    case .neg: for i in 0..<count { output[i] = -input[i] }
    case .exp: for i in 0..<count { output[i] = expf(input[i]) }
    case .log: for i in 0..<count { output[i] = logf(input[i]) }
    case .square: for i in 0..<count { output[i] = input[i] * input[i] }
    case .floor: for i in 0..<count { output[i] = input[i].rounded(.down) }
    case .ceil: for i in 0..<count { output[i] = input[i].rounded(.up) }
    case .sin: for i in 0..<count { output[i] = sinf(input[i]) }
    case .cos: for i in 0..<count { output[i] = cosf(input[i]) }
    case .round: for i in 0..<count { output[i] = roundToNearest(input[i]) }
    case .elu: for i in 0..<count { output[i] = input[i] < 0 ? fdlibmExpm1f(input[i]) : input[i] }
    }
}

/// Reference round.h `RoundToNearest`: floor, then up when the remainder is above one half or exactly one half
/// with an odd floor. Unlike `rounded(.toNearestOrEven)` it gives +0 for inputs in [−0.5, 0) (floor −1, plus 1).
/// The integer conversion only happens when the remainder is exactly one half, so |floor| < 2²³ there.
@inlinable
public func roundToNearest(_ x: Float) -> Float {
    let floor = x.rounded(.down)
    let remainder = x - floor
    if remainder < 0.5 || (remainder == 0.5 && Int32(floor) % 2 == 0) { return floor }
    return floor + 1
}

/// A binary function of two broadcast operands.
public enum BinaryFunction: Sendable, Equatable {
    case add, sub, mul, div, floorDiv, floorMod, minimum, maximum, squaredDifference
}

/// Float32 binary math with broadcasting; ADD, SUB, MUL and DIV clamp to the fused activation's range as TFLite's
/// float kernels do. The output may alias an input that is not broadcast.
@inlinable
public func floatBinary(_ f: BinaryFunction, _ p: FloatBinaryParameters, input1: UnsafePointer<Float>, input2: UnsafePointer<Float>,
                        output: UnsafeMutablePointer<Float>) {
    let lo = p.activationMin, hi = p.activationMax
    switch f {
    case .add: broadcastBinary(p.broadcast, input1, input2, output) { clampFloatActivation($0 + $1, lo, hi) }
    case .sub: broadcastBinary(p.broadcast, input1, input2, output) { clampFloatActivation($0 - $1, lo, hi) }
    case .mul: broadcastBinary(p.broadcast, input1, input2, output) { clampFloatActivation($0 * $1, lo, hi) }
    case .div: broadcastBinary(p.broadcast, input1, input2, output) { clampFloatActivation($0 / $1, lo, hi) }
    // floor_div.cc: std::floor(x / y) in float.
    case .floorDiv: broadcastBinary(p.broadcast, input1, input2, output) { ($0 / $1).rounded(.down) }
    // floor_mod.h: fmodf, then moved to the divisor's sign.
    case .floorMod:
        broadcastBinary(p.broadcast, input1, input2, output) { (a: Float, b: Float) -> Float in
            let r = fmodf(a, b)
            return r != 0 && ((b < 0) != (r < 0)) ? r + b : r
        }
    case .minimum: broadcastBinary(p.broadcast, input1, input2, output) { $0 < $1 ? $0 : $1 }
    case .maximum: broadcastBinary(p.broadcast, input1, input2, output) { $0 > $1 ? $0 : $1 }
    case .squaredDifference: broadcastBinary(p.broadcast, input1, input2, output) { ($0 - $1) * ($0 - $1) }
    }
}

/// Integer binary math with broadcasting (int32, or raw 8-bit values for MINIMUM/MAXIMUM, which TFLite compares
/// without rescaling). Wraps on overflow; FLOOR_DIV by zero gives 0 (TFLite fails the invoke).
@inlinable
public func integerBinary<T: FixedWidthInteger>(_ f: BinaryFunction, _ shape: BroadcastShape, input1: UnsafePointer<T>,
                                                input2: UnsafePointer<T>, output: UnsafeMutablePointer<T>) {
    switch f {
    case .add: broadcastBinary(shape, input1, input2, output) { $0 &+ $1 }
    case .sub: broadcastBinary(shape, input1, input2, output) { $0 &- $1 }
    case .mul: broadcastBinary(shape, input1, input2, output) { $0 &* $1 }
    case .div: broadcastBinary(shape, input1, input2, output) { $1 == 0 ? 0 : $0.dividedReportingOverflow(by: $1).partialValue }
    case .floorDiv:
        // floor_div.cc: std::floor(static_cast<double>(x) / static_cast<double>(y)).
        broadcastBinary(shape, input1, input2, output) { (a: T, b: T) -> T in
            guard b != 0 else { return 0 }
            let (q, o) = a.dividedReportingOverflow(by: b)
            if o { return q }
            return (a % b != 0 && ((a < 0) != (b < 0))) ? q &- 1 : q
        }
    case .floorMod:
        broadcastBinary(shape, input1, input2, output) { (a: T, b: T) -> T in
            guard b != 0 else { return 0 }
            let r = a.remainderReportingOverflow(dividingBy: b).partialValue
            return r != 0 && ((b < 0) != (r < 0)) ? r &+ b : r
        }
    case .minimum: broadcastBinary(shape, input1, input2, output) { Swift.min($0, $1) }
    case .maximum: broadcastBinary(shape, input1, input2, output) { Swift.max($0, $1) }
    case .squaredDifference: broadcastBinary(shape, input1, input2, output) { ($0 &- $1) &* ($0 &- $1) }
    }
}
