#if arch(arm64)
import CDotProduct

// aarch64 lanes for the depthwise loop: values widened once to int16 and multiplied with `smlal`/`smlal2` into
// int32 accumulators (CNEONLanes.h), instead of widening both operands to int32 and multiplying with `mul`.

/// Eight consecutive values widened to Int16 lanes (exact for every `QuantizedElement`: int8, uint8, int16).
@inlinable @inline(__always)
func load8Int16<T: QuantizedElement>(_ p: UnsafePointer<T>) -> SIMD8<Int16> {
    let raw = UnsafeRawPointer(p)
    if T.self == Int8.self { return edgefleet_neon_widen_s8(raw.loadUnaligned(as: SIMD8<Int8>.self)) }
    if T.self == UInt8.self { return edgefleet_neon_widen_u8(raw.loadUnaligned(as: SIMD8<UInt8>.self)) }
    if T.self == Int16.self { return raw.loadUnaligned(as: SIMD8<Int16>.self) }
    return SIMD8<Int16>(truncatingIfNeeded: T.load8(p))
}

/// Eight int32 accumulators as two NEON halves, added to with widening multiply-accumulates.
@usableFromInline
struct NEONAccumulator8 {
    @usableFromInline var low: SIMD4<Int32>
    @usableFromInline var high: SIMD4<Int32>

    @inlinable @inline(__always)
    init(_ start: SIMD8<Int32>) {
        low = start.lowHalf
        high = start.highHalf
    }

    /// Adds `x × w` lane by lane (int16 × int16 → int32, exact).
    @inlinable @inline(__always)
    mutating func add(_ x: SIMD8<Int16>, _ w: SIMD8<Int16>) {
        low = edgefleet_neon_mlal_low(low, x, w)
        high = edgefleet_neon_mlal_high(high, x, w)
    }

    @inlinable @inline(__always)
    var value: SIMD8<Int32> { SIMD8(lowHalf: low, highHalf: high) }
}
#endif
