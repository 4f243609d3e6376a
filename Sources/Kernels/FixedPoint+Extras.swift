// Helpers shared by the elementwise, activation and data-movement kernels: the 8-bit element types,
// gemmlowp's int16 fixed-point primitives (HARD_SWISH), and C's float-to-int conversion and clamping.

/// The 8-bit quantised element types the TFLite reference kernels support (int8, legacy uint8).
public protocol Quantized8BitInteger: QuantizedElement, Sendable {}

extension Int8: Quantized8BitInteger {}
extension UInt8: Quantized8BitInteger {}

/// The storage type of an 8-bit quantised tensor, for parameters whose preparation depends on it (look-up tables).
public enum QuantizedType: Sendable, Equatable {
    case int8, uint8

    /// Smallest representable value.
    @inlinable public var min: Int32 { self == .int8 ? -128 : 0 }
    /// Largest representable value.
    @inlinable public var max: Int32 { self == .int8 ? 127 : 255 }
}

/// Why a parameter initialiser refused its inputs; TFLite's Prepare fails in the same situations.
public enum KernelPreparationError: Error, Equatable, Sendable {
    /// Shapes that cannot be combined (broadcasting, concatenation, block sizes…).
    case incompatibleShapes(String)
    /// Quantisation parameters or options TFLite's reference rejects.
    case unsupported(String)
}

// MARK: - gemmlowp int16 primitives

/// gemmlowp's `SaturatingRoundingDoublingHighMul` for int16 raw values.
@inlinable @inline(__always)
public func saturatingRoundingDoublingHighMul(_ a: Int16, _ b: Int16) -> Int16 {
    if a == b && a == Int16.min { return Int16.max }
    let ab = Int32(a) * Int32(b)
    let nudge: Int32 = ab >= 0 ? (1 << 14) : (1 - (1 << 14))
    // C division truncates toward zero, as Swift's does.
    return Int16(truncatingIfNeeded: (ab + nudge) / (1 << 15))
}

/// TFLite's `SaturatingDoublingHighMul` (hard_swish.h): like the rounding variant but truncating toward zero.
@inlinable @inline(__always)
public func saturatingDoublingHighMul(_ a: Int16, _ b: Int16) -> Int16 {
    if a == b && a == Int16.min { return Int16.max }
    return Int16(truncatingIfNeeded: (Int32(a) * Int32(b)) / (1 << 15))
}

/// gemmlowp's `RoundingDivideByPOT` on int16 (exponent in 0...15).
@inlinable @inline(__always)
public func roundingDivideByPOT(_ x: Int16, _ exponent: Int32) -> Int16 {
    // The int16 instantiation computes in int16; for exponents below 16 that equals the int32 result.
    Int16(truncatingIfNeeded: roundingDivideByPOT(Int32(x), exponent))
}

/// TFLite's `SaturatingLeftShift` (hard_swish.h): shifts left, saturating to the int16 range.
@inlinable @inline(__always)
public func saturatingLeftShift(_ value: Int16, _ amount: Int32) -> Int16 {
    let result = Int64(value) * (Int64(1) << Int64(amount))
    return Int16(Swift.min(Swift.max(result, Int64(Int16.min)), Int64(Int16.max)))
}

/// TFLite's `DownScaleInt32ToInt16Multiplier`: rounds a Q31 multiplier to Q15, saturating at the top.
@inlinable
public func downScaleInt32ToInt16Multiplier(_ multiplier: Int32) -> Int16 {
    let roundingOffset: Int32 = 1 << 15
    if multiplier >= Int32.max - roundingOffset { return Int16.max }
    return Int16(truncatingIfNeeded: (multiplier + roundingOffset) >> 16)
}

// MARK: - C conversions

/// `static_cast<int32_t>(f)` as AArch64 (`fcvtzs`) performs it: truncation, saturation, NaN to 0.
///
/// C leaves out-of-range conversions undefined; this pins them to what the Raspberry Pi target does.
@inlinable @inline(__always)
public func truncatingInt32(_ f: Float) -> Int32 {
    if f.isNaN { return 0 }
    if f >= 2147483648.0 { return Int32.max }
    if f <= -2147483648.0 { return Int32.min }
    return Int32(f)
}

/// C's `roundf`: round half away from zero, in single precision.
@inlinable @inline(__always)
public func roundHalfAwayFromZero(_ x: Float) -> Float {
    x.rounded(.toNearestOrAwayFromZero)
}

/// TFLite's `ActivationFunctionWithMinMax` for floats: `std::min(std::max(x, lo), hi)`.
///
/// Written with the exact comparisons of `std::max`/`std::min` so NaN passes through and ±infinity clamps to the range.
@inlinable @inline(__always)
public func clampFloatActivation(_ x: Float, _ lo: Float, _ hi: Float) -> Float {
    let y = x < lo ? lo : x
    return hi < y ? hi : y
}

/// TFLite's `CalculateActivationRange<float>`: the float clamp bounds of a fused activation.
@inlinable
public func floatActivationRange(_ activation: FusedActivation) -> (min: Float, max: Float) {
    switch activation {
    case .none: return (-Float.greatestFiniteMagnitude, Float.greatestFiniteMagnitude)
    case .relu: return (0, Float.greatestFiniteMagnitude)
    case .relu6: return (0, 6)
    case .reluN1To1: return (-1, 1)
    }
}

/// Clamps an int32 result to `[lo, hi]` and narrows it to the element type.
@inlinable @inline(__always)
func clampNarrow<T: FixedWidthInteger>(_ v: Int32, _ lo: Int32, _ hi: Int32) -> T {
    T(truncatingIfNeeded: Swift.min(hi, Swift.max(lo, v)))
}

/// Number of elements of a shape (1 for a scalar).
@inlinable
func elementCount(_ shape: [Int]) -> Int {
    shape.reduce(1, *)
}
