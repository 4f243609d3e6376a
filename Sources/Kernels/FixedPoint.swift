// The integer arithmetic that decides bit-exactness with TFLite's reference kernels.
// Sources of truth: tflite/kernels/internal/quantization_util.cc and internal/common.h.

/// A real multiplier in [0, 1) or above, expressed as a Q31 fixed-point mantissa and a power-of-two exponent.
///
/// `real ≈ multiplier × 2^(shift − 31)`; `shift > 0` means a left shift (multiplier above 1).
public struct QuantizedMultiplier: Sendable, Equatable {
    public var multiplier: Int32
    public var shift: Int32

    @inlinable
    public init(multiplier: Int32, shift: Int32) {
        self.multiplier = multiplier
        self.shift = shift
    }

    /// TFLite's `QuantizeMultiplier`: frexp, round half away from zero, with its edge cases.
    ///
    /// A multiplier too small to represent (exponent below −31) becomes (0, 0): the channel then always
    /// yields the output zero point, exactly as TFLite does.
    @inlinable
    public init(_ realMultiplier: Double) {
        // Zero, and values no valid model produces (NaN, infinite), give the zero multiplier rather than
        // trapping in the integer conversion below; operators validate scales before this.
        guard realMultiplier != 0, realMultiplier.isFinite else {
            self.init(multiplier: 0, shift: 0)
            return
        }
        let (fraction, exponent) = frexpDouble(realMultiplier)
        var q = roundHalfAwayFromZero(fraction * 2147483648.0)
        var shift = Int32(exponent)
        if q == 2147483648 {
            q /= 2
            shift += 1
        }
        if shift < -31 {
            shift = 0
            q = 0
        }
        self.init(multiplier: Int32(q), shift: shift)
    }

    /// Applies the multiplier to an accumulator with TFLite's double rounding.
    @inlinable @inline(__always)
    public func apply(_ x: Int32) -> Int32 {
        multiplyByQuantizedMultiplier(x, multiplier, shift)
    }
}

/// `frexp` without the C library: fraction in [0.5, 1) and exponent such that value = fraction × 2^exponent.
@inlinable
public func frexpDouble(_ value: Double) -> (Double, Int) {
    if value == 0 || !value.isFinite { return (value, 0) }
    // Double.exponent is floor(log2|x|); frexp's exponent is one more, its fraction is in [0.5, 1).
    let exponent = Int(value.exponent) + 1
    let fraction = Double(sign: value.sign, exponent: -1, significand: value.significand)
    return (fraction, exponent)
}

/// Round half away from zero (C's `round`).
@inlinable @inline(__always)
public func roundHalfAwayFromZero(_ x: Double) -> Double {
    x.rounded(.toNearestOrAwayFromZero)
}

/// gemmlowp's `SaturatingRoundingDoublingHighMul`.
@inlinable @inline(__always)
public func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
    if a == b && a == Int32.min { return Int32.max }
    let ab = Int64(a) * Int64(b)
    let nudge: Int64 = ab >= 0 ? (1 << 30) : (1 - (1 << 30))
    // Division truncating toward zero, as C does.
    return Int32(truncatingIfNeeded: (ab + nudge) / (1 << 31))
}

/// gemmlowp's `RoundingDivideByPOT`: arithmetic shift right rounding half away from zero.
@inlinable @inline(__always)
public func roundingDivideByPOT(_ x: Int32, _ exponent: Int32) -> Int32 {
    let mask: Int32 = Int32(truncatingIfNeeded: (Int64(1) << Int64(exponent)) - 1)
    let remainder = x & mask
    let threshold = (mask >> 1) + (x < 0 ? 1 : 0)
    return (x >> exponent) + (remainder > threshold ? 1 : 0)
}

/// TFLite's `MultiplyByQuantizedMultiplier` (double-rounding build).
@inlinable @inline(__always)
public func multiplyByQuantizedMultiplier(_ x: Int32, _ multiplier: Int32, _ shift: Int32) -> Int32 {
    let leftShift = shift > 0 ? shift : 0
    let rightShift = shift > 0 ? 0 : -shift
    return roundingDivideByPOT(
        saturatingRoundingDoublingHighMul(x &* (1 << leftShift), multiplier), rightShift)
}

/// TFLite's `MultiplyByQuantizedMultiplierSmallerThanOneExp` (shift ≤ 0).
@inlinable @inline(__always)
public func multiplyByQuantizedMultiplierSmallerThanOneExp(_ x: Int32, _ multiplier: Int32, _ shift: Int32) -> Int32 {
    roundingDivideByPOT(saturatingRoundingDoublingHighMul(x, multiplier), -shift)
}

/// TFLite's `MultiplyByQuantizedMultiplierGreaterThanOne` (shift ≥ 0).
@inlinable @inline(__always)
public func multiplyByQuantizedMultiplierGreaterThanOne(_ x: Int32, _ multiplier: Int32, _ leftShift: Int32) -> Int32 {
    saturatingRoundingDoublingHighMul(x &* (1 << leftShift), multiplier)
}

/// The quantised range of a fused activation, computed as TFLite's `CalculateActivationRangeQuantized`.
@inlinable
public func activationRange(
    _ activation: FusedActivation, scale: Float, zeroPoint: Int32, qmin: Int32, qmax: Int32
) -> (min: Int32, max: Int32) {
    func quantize(_ v: Float) -> Int32 {
        // TFLite: zero_point + static_cast<int32>(TfLiteRound(f / scale)), f/scale in float.
        return zeroPoint &+ clampToInt32(Double((v / scale).rounded(.toNearestOrAwayFromZero)))
    }
    switch activation {
    case .none:
        return (qmin, qmax)
    case .relu:
        return (max(qmin, quantize(0)), qmax)
    case .relu6:
        return (max(qmin, quantize(0)), min(qmax, quantize(6)))
    case .reluN1To1:
        return (max(qmin, quantize(-1)), min(qmax, quantize(1)))
    }
}

/// Converts to Int32 saturating at the type's bounds (NaN gives 0), where C's cast would be undefined.
@inlinable @inline(__always)
public func clampToInt32(_ x: Double) -> Int32 {
    guard x == x else { return 0 }
    if x >= 2147483647 { return Int32.max }
    if x <= -2147483648 { return Int32.min }
    return Int32(x)
}

/// A fused activation as the .tflite schema encodes it.
public enum FusedActivation: Sendable, Equatable {
    case none, relu, reluN1To1, relu6
}
