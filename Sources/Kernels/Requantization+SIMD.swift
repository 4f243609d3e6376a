// Eight-lane forms of the requantisation arithmetic, exactly equal lane by lane to the scalar functions in
// FixedPoint.swift (KernelsTests checks this on random and edge values). They let the compiler emit vector
// multiplies (vpmuldq / smull) and per-lane shifts instead of a scalar sequence per output value.

extension ChannelRequantization {
    /// Per-channel multiplier and shift vectors for channels `first..<first+8`, read from prepared arrays.
    @inlinable @inline(__always)
    static func lanes(_ values: UnsafeBufferPointer<Int32>, _ first: Int) -> SIMD8<Int32> {
        UnsafeRawPointer(values.baseAddress! + first).loadUnaligned(as: SIMD8<Int32>.self)
    }
}

/// `multiplyByQuantizedMultiplier` on eight lanes (double rounding; multipliers non-negative as QuantizeMultiplier makes them).
@inlinable @inline(__always)
public func multiplyByQuantizedMultiplier(_ x: SIMD8<Int32>, _ multiplier: SIMD8<Int32>, _ shift: SIMD8<Int32>) -> SIMD8<Int32> {
    let zero = SIMD8<Int32>()
    let leftShift = shift.replacing(with: zero, where: shift .< zero)
    let rightShift = (zero &- shift).replacing(with: zero, where: shift .> zero)
    let shifted = x &<< leftShift
    // SaturatingRoundingDoublingHighMul: saturation needs both operands at Int32.min, impossible with m ≥ 0.
    let product = SIMD8<Int64>(truncatingIfNeeded: shifted) &* SIMD8<Int64>(truncatingIfNeeded: multiplier)
    let negative = product .< SIMD8<Int64>()
    let nudge = SIMD8<Int64>(repeating: 1 << 30).replacing(with: 1 - (1 << 30), where: negative)
    let sum = product &+ nudge
    // Division by 2^31 truncating toward zero: bias negative values by 2^31 − 1 before the arithmetic shift.
    let bias = SIMD8<Int64>(repeating: (1 << 31) - 1).replacing(with: 0, where: sum .>= SIMD8<Int64>())
    let high = SIMD8<Int32>(truncatingIfNeeded: (sum &+ bias) &>> 31)
    // RoundingDivideByPOT with a per-lane exponent.
    let mask = (SIMD8<Int32>(repeating: 1) &<< rightShift) &- 1
    let remainder = high & mask
    let threshold = (mask &>> 1) &+ SIMD8<Int32>(repeating: 1).replacing(with: 0, where: high .>= zero)
    let roundUp = SIMD8<Int32>(repeating: 1).replacing(with: 0, where: remainder .<= threshold)
    return (high &>> rightShift) &+ roundUp
}

/// Requantises eight accumulators of consecutive channels and stores them as 8-bit values.
@inlinable @inline(__always)
func requantizeAndStore8<O: QuantizedElement>(
    _ acc: SIMD8<Int32>, multiplier: SIMD8<Int32>, shift: SIMD8<Int32>,
    zeroPoint: Int32, min lo: Int32, max hi: Int32, to out: UnsafeMutablePointer<O>
) {
    var v = multiplyByQuantizedMultiplier(acc, multiplier, shift) &+ SIMD8<Int32>(repeating: zeroPoint)
    v = v.clamped(lowerBound: SIMD8<Int32>(repeating: lo), upperBound: SIMD8<Int32>(repeating: hi))
    O.store8(v, to: out)
}

/// An element type of quantised tensors and packed weights, with vector loads and stores spelled out per
/// concrete type: generic `SIMD8<T>` loads compile to byte-by-byte inserts, concrete ones to one widening load.
public protocol QuantizedElement: FixedWidthInteger, SIMDScalar {
    /// Eight consecutive values widened to Int32 lanes.
    static func load8(_ p: UnsafePointer<Self>) -> SIMD8<Int32>
    /// Eight Int32 lanes narrowed (truncated; callers clamp first) and stored consecutively.
    static func store8(_ v: SIMD8<Int32>, to p: UnsafeMutablePointer<Self>)
}

extension Int8: QuantizedElement {
    @inlinable @inline(__always)
    public static func load8(_ p: UnsafePointer<Int8>) -> SIMD8<Int32> {
        SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int8>.self))
    }
    @inlinable @inline(__always)
    public static func store8(_ v: SIMD8<Int32>, to p: UnsafeMutablePointer<Int8>) {
        UnsafeMutableRawPointer(p).storeBytes(of: SIMD8<Int8>(truncatingIfNeeded: v), as: SIMD8<Int8>.self)
    }
}

extension UInt8: QuantizedElement {
    @inlinable @inline(__always)
    public static func load8(_ p: UnsafePointer<UInt8>) -> SIMD8<Int32> {
        SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD8<UInt8>.self))
    }
    @inlinable @inline(__always)
    public static func store8(_ v: SIMD8<Int32>, to p: UnsafeMutablePointer<UInt8>) {
        UnsafeMutableRawPointer(p).storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: v), as: SIMD8<UInt8>.self)
    }
}

extension Int16: QuantizedElement {
    @inlinable @inline(__always)
    public static func load8(_ p: UnsafePointer<Int16>) -> SIMD8<Int32> {
        SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int16>.self))
    }
    @inlinable @inline(__always)
    public static func store8(_ v: SIMD8<Int32>, to p: UnsafeMutablePointer<Int16>) {
        UnsafeMutableRawPointer(p).storeBytes(of: SIMD8<Int16>(truncatingIfNeeded: v), as: SIMD8<Int16>.self)
    }
}

/// Loads eight consecutive values widened to Int32 lanes.
@inlinable @inline(__always)
func load8<T: QuantizedElement>(_ p: UnsafePointer<T>) -> SIMD8<Int32> {
    T.load8(p)
}
