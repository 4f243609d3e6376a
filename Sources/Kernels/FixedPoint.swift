#if EDGEFLEET_AVX2
import _Builtin_intrinsics.intel
#endif
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

/// `min(max(clampToInt32((Double(x) × scale).rounded(.toNearestOrAwayFromZero)) &+ zeroPoint, lo), hi)` on eight
/// lanes, lane for lane equal to the scalar form (NaN to 0, beyond the Int32 range to its ends): the
/// double-precision rescale of TFLite's FULLY_CONNECTED reference kernels, in AVX2 builds without a scalar
/// conversion, compare and round per output.
@inlinable @inline(__always)
public func requantizeInDouble8(_ x: SIMD8<Int32>, scales: UnsafePointer<Double>, zeroPoint: Int32,
                                min lo: Int32, max hi: Int32) -> SIMD8<Int32> {
    #if EDGEFLEET_AVX2
    @inline(__always) func four(_ x: SIMD4<Int32>, _ scales: UnsafePointer<Double>) -> SIMD4<Int32> {
        let product = _mm256_mul_pd(_mm256_cvtepi32_pd(unsafeBitCast(x, to: __m128i.self)), _mm256_loadu_pd(scales))
        // Half away from zero: truncate x + copysign(0.5⁻, x), with 0.5⁻ the double just below ½ (so that
        // 0.49999999999999994 does not round up through the add); exact for every double (beyond 2^52 they are
        // integers already and the add rounds back to them). The truncation is the conversion's own.
        let sign = _mm256_and_pd(product, _mm256_set1_pd(-0.0))
        var r = _mm256_add_pd(product, _mm256_or_pd(sign, _mm256_set1_pd(0.49999999999999994)))
        // NaN (a NaN scale, or an infinite one times 0) to 0 as clampToInt32 does, before the clamps (`vminpd`
        // would turn it into their bound): a NaN's magnitude bits exceed infinity's, compared as integers.
        let bits = _mm256_castpd_si256(r)
        let isNaN = _mm256_cmpgt_epi64(_mm256_and_si256(bits, _mm256_set1_epi64x(Int64.max)),
                                       _mm256_set1_epi64x(0x7FF0_0000_0000_0000))
        r = _mm256_castsi256_pd(_mm256_andnot_si256(isNaN, bits))
        r = _mm256_min_pd(r, _mm256_set1_pd(2147483647))
        r = _mm256_max_pd(r, _mm256_set1_pd(-2147483648))
        return unsafeBitCast(_mm256_cvttpd_epi32(r), to: SIMD4<Int32>.self)
    }
    let v = SIMD8(lowHalf: four(x.lowHalf, scales), highHalf: four(x.highHalf, scales + 4)) &+ SIMD8(repeating: zeroPoint)
    let clamped = _mm256_min_epi32(_mm256_max_epi32(unsafeBitCast(v, to: __m256i.self), _mm256_set1_epi32(lo)),
                                   _mm256_set1_epi32(hi))
    return unsafeBitCast(clamped, to: SIMD8<Int32>.self)
    #else
    var result = SIMD8<Int32>()
    for lane in 0..<8 {
        let v = clampToInt32((Double(x[lane]) * scales[lane]).rounded(.toNearestOrAwayFromZero)) &+ zeroPoint
        result[lane] = Swift.min(Swift.max(v, lo), hi)
    }
    return result
    #endif
}

/// A fused activation as the .tflite schema encodes it.
public enum FusedActivation: Sendable, Equatable {
    case none, relu, reluN1To1, relu6
}
