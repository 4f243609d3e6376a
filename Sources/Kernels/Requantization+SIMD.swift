#if EDGEFLEET_AVX2
import _Builtin_intrinsics.intel
#endif
#if arch(arm64)
import CDotProduct
#endif

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

/// `multiplyByQuantizedMultiplier` on eight lanes (double rounding; multipliers non-negative as QuantizeMultiplier
/// makes them for positive scales). AVX2 builds use `vpmuldq`; aarch64 `sqrdmulh` and a rounding shift
/// (`multiplyByQuantizedMultiplierNEON`); others the portable twin.
@inlinable @inline(__always)
public func multiplyByQuantizedMultiplier(_ x: SIMD8<Int32>, _ multiplier: SIMD8<Int32>, _ shift: SIMD8<Int32>) -> SIMD8<Int32> {
    #if EDGEFLEET_AVX2
    return multiplyByQuantizedMultiplierAVX2(x, multiplier, shift)
    #elseif arch(arm64)
    return multiplyByQuantizedMultiplierNEON(x, multiplier, shift)
    #else
    return multiplyByQuantizedMultiplierPortable(x, multiplier, shift)
    #endif
}

/// The portable eight-lane requantisation, in Swift SIMD types: the twin the AVX2 form is tested against.
@inlinable @inline(__always)
public func multiplyByQuantizedMultiplierPortable(_ x: SIMD8<Int32>, _ multiplier: SIMD8<Int32>, _ shift: SIMD8<Int32>) -> SIMD8<Int32> {
    let zero = SIMD8<Int32>()
    let leftShift = shift.replacing(with: zero, where: shift .< zero)
    let rightShift = (zero &- shift).replacing(with: zero, where: shift .> zero)
    let shifted = x &<< leftShift
    // SaturatingRoundingDoublingHighMul: saturation needs both operands at Int32.min, impossible with m ≥ 0.
    let product = SIMD8<Int64>(truncatingIfNeeded: shifted) &* SIMD8<Int64>(truncatingIfNeeded: multiplier)
    // TFLite adds a sign-dependent nudge (2^30 or 1 − 2^30) and divides by 2^31 toward zero. For negative p,
    // trunc((p + 1 − 2^30) / 2^31) = −⌊(−p − 1 + 2^30) / 2^31⌋ = ⌊(p + 2^30) / 2^31⌋, so both signs are one
    // add and one arithmetic shift: (p + 2^30) >> 31.
    let high = SIMD8<Int32>(truncatingIfNeeded: (product &+ SIMD8<Int64>(repeating: 1 << 30)) &>> 31)
    // RoundingDivideByPOT with a per-lane exponent.
    let mask = (SIMD8<Int32>(repeating: 1) &<< rightShift) &- 1
    let remainder = high & mask
    let threshold = (mask &>> 1) &+ SIMD8<Int32>(repeating: 1).replacing(with: 0, where: high .>= zero)
    let roundUp = SIMD8<Int32>(repeating: 1).replacing(with: 0, where: remainder .<= threshold)
    return (high &>> rightShift) &+ roundUp
}

#if EDGEFLEET_AVX2
/// Eight-lane double-rounding requantisation with AVX2 intrinsics.
///
/// 32×32→64-bit products of even and odd lanes (`vpmuldq`), the rounding doubling high half as one add and shift,
/// then the rounding right shift per lane (`vpsravd`).
@inlinable @inline(__always)
public func multiplyByQuantizedMultiplierAVX2(_ x: SIMD8<Int32>, _ multiplier: SIMD8<Int32>, _ shift: SIMD8<Int32>) -> SIMD8<Int32> {
    let zero = _mm256_setzero_si256()
    let s = unsafeBitCast(shift, to: __m256i.self)
    let leftShift = _mm256_max_epi32(s, zero)
    let rightShift = _mm256_max_epi32(_mm256_sub_epi32(zero, s), zero)
    let a = _mm256_sllv_epi32(unsafeBitCast(x, to: __m256i.self), leftShift)
    let b = unsafeBitCast(multiplier, to: __m256i.self)
    // (p + 2^30) >> 31 equals TFLite's sign-dependent nudge and division toward zero (see the portable twin).
    // AVX2 has no 64-bit arithmetic shift, but a logical one leaves the same low 32 bits, which is all we keep.
    @inline(__always) func high(_ p: __m256i) -> __m256i {
        _mm256_srli_epi64(_mm256_add_epi64(p, _mm256_set1_epi64x(1 << 30)), 31)
    }
    let even = high(_mm256_mul_epi32(a, b))
    let odd = high(_mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b, 32)))
    let q = _mm256_or_si256(_mm256_and_si256(even, _mm256_set1_epi64x(0xFFFF_FFFF)), _mm256_slli_epi64(odd, 32))
    let one = _mm256_set1_epi32(1)
    let mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, rightShift), one)
    let remainder = _mm256_and_si256(q, mask)
    // threshold = mask/2 + (q < 0); the sign bit shifted down is that 1. A true compare is −1: subtract it.
    let threshold = _mm256_add_epi32(_mm256_srai_epi32(mask, 1), _mm256_srli_epi32(q, 31))
    let roundUp = _mm256_cmpgt_epi32(remainder, threshold)
    return unsafeBitCast(_mm256_sub_epi32(_mm256_srav_epi32(q, rightShift), roundUp), to: SIMD8<Int32>.self)
}
#endif

#if arch(arm64)
/// Eight-lane double-rounding requantisation on NEON: `sqrdmulh` (SaturatingRoundingDoublingHighMul in one
/// instruction) and `srshl` with the sign fix-up, as TFLite's NEON kernels do it; the C header
/// (CDotProduct/include/CRequantizeNEON.h) says why it is exact for every input, including multipliers the
/// portable twin does not handle (negative ones, INT32_MIN × INT32_MIN saturating).
@inlinable @inline(__always)
public func multiplyByQuantizedMultiplierNEON(_ x: SIMD8<Int32>, _ multiplier: SIMD8<Int32>, _ shift: SIMD8<Int32>) -> SIMD8<Int32> {
    SIMD8(lowHalf: edgefleet_neon_requantize4(x.lowHalf, multiplier.lowHalf, shift.lowHalf),
          highHalf: edgefleet_neon_requantize4(x.highHalf, multiplier.highHalf, shift.highHalf))
}
#endif

/// Requantises eight accumulators of consecutive channels: rescale, add the zero point, clamp.
@inlinable @inline(__always)
func requantize8(_ acc: SIMD8<Int32>, multiplier: SIMD8<Int32>, shift: SIMD8<Int32>,
                 zeroPoint: Int32, min lo: Int32, max hi: Int32) -> SIMD8<Int32> {
    let v = multiplyByQuantizedMultiplier(acc, multiplier, shift) &+ SIMD8<Int32>(repeating: zeroPoint)
    // Not `clamped(lowerBound:upperBound:)`: its generic `pointwiseMax` was left as a call in hot loops.
    #if EDGEFLEET_AVX2
    let clamped = _mm256_min_epi32(_mm256_max_epi32(unsafeBitCast(v, to: __m256i.self), _mm256_set1_epi32(lo)), _mm256_set1_epi32(hi))
    return unsafeBitCast(clamped, to: SIMD8<Int32>.self)
    #else
    let low = SIMD8<Int32>(repeating: lo), high = SIMD8<Int32>(repeating: hi)
    return v.replacing(with: low, where: v .< low).replacing(with: high, where: v .> high)
    #endif
}

/// Requantises eight accumulators of consecutive channels and stores them as 8-bit values.
@inlinable @inline(__always)
func requantizeAndStore8<O: QuantizedElement>(
    _ acc: SIMD8<Int32>, multiplier: SIMD8<Int32>, shift: SIMD8<Int32>,
    zeroPoint: Int32, min lo: Int32, max hi: Int32, to out: UnsafeMutablePointer<O>
) {
    #if arch(arm64)
    // Requantise, clamp, narrow and store in NEON registers: the Swift lane-by-lane stores and the generic SIMD8
    // conversions were a third of MobileNetV2's aarch64 instructions (docs/arm.md). The type tests fold away
    // when the caller is specialised.
    let raw = UnsafeMutableRawPointer(out)
    if O.self == Int8.self {
        edgefleet_neon_requantize8_store_s8(acc.lowHalf, acc.highHalf, multiplier.lowHalf, multiplier.highHalf,
                                            shift.lowHalf, shift.highHalf, zeroPoint, lo, hi,
                                            raw.assumingMemoryBound(to: Int8.self))
        return
    }
    if O.self == UInt8.self {
        edgefleet_neon_requantize8_store_u8(acc.lowHalf, acc.highHalf, multiplier.lowHalf, multiplier.highHalf,
                                            shift.lowHalf, shift.highHalf, zeroPoint, lo, hi,
                                            raw.assumingMemoryBound(to: UInt8.self))
        return
    }
    if O.self == Int16.self {
        edgefleet_neon_requantize8_store_s16(acc.lowHalf, acc.highHalf, multiplier.lowHalf, multiplier.highHalf,
                                             shift.lowHalf, shift.highHalf, zeroPoint, lo, hi,
                                             raw.assumingMemoryBound(to: Int16.self))
        return
    }
    #endif
    O.store8(requantize8(acc, multiplier: multiplier, shift: shift, zeroPoint: zeroPoint, min: lo, max: hi), to: out)
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
        #if EDGEFLEET_AVX2
        // One 8-byte load and one sign-extending widen (vpmovsxbd); lane-by-lane inserts cost 16 instructions.
        return unsafeBitCast(_mm256_cvtepi8_epi32(_mm_loadl_epi64(UnsafeRawPointer(p).assumingMemoryBound(to: __m128i.self))),
                             to: SIMD8<Int32>.self)
        #else
        // Lane by lane: the stdlib's generic SIMD conversion is sometimes left as a call in large functions.
        return SIMD8<Int32>(Int32(p[0]), Int32(p[1]), Int32(p[2]), Int32(p[3]), Int32(p[4]), Int32(p[5]), Int32(p[6]), Int32(p[7]))
        #endif
    }
    @inlinable @inline(__always)
    public static func store8(_ v: SIMD8<Int32>, to p: UnsafeMutablePointer<Int8>) {
        #if EDGEFLEET_AVX2
        // Two saturating packs (exact: callers clamp to the type's range) and one 8-byte store.
        store8Packed(v, to: UnsafeMutableRawPointer(p), unsigned: false)
        #else
        p[0] = Int8(truncatingIfNeeded: v[0]); p[1] = Int8(truncatingIfNeeded: v[1])
        p[2] = Int8(truncatingIfNeeded: v[2]); p[3] = Int8(truncatingIfNeeded: v[3])
        p[4] = Int8(truncatingIfNeeded: v[4]); p[5] = Int8(truncatingIfNeeded: v[5])
        p[6] = Int8(truncatingIfNeeded: v[6]); p[7] = Int8(truncatingIfNeeded: v[7])
        #endif
    }
}

extension UInt8: QuantizedElement {
    @inlinable @inline(__always)
    public static func load8(_ p: UnsafePointer<UInt8>) -> SIMD8<Int32> {
        #if EDGEFLEET_AVX2
        // One 8-byte load and one zero-extending widen (vpmovzxbd).
        return unsafeBitCast(_mm256_cvtepu8_epi32(_mm_loadl_epi64(UnsafeRawPointer(p).assumingMemoryBound(to: __m128i.self))),
                             to: SIMD8<Int32>.self)
        #else
        // Lane by lane: the stdlib's generic SIMD conversion is sometimes left as a call in large functions.
        return SIMD8<Int32>(Int32(p[0]), Int32(p[1]), Int32(p[2]), Int32(p[3]), Int32(p[4]), Int32(p[5]), Int32(p[6]), Int32(p[7]))
        #endif
    }
    @inlinable @inline(__always)
    public static func store8(_ v: SIMD8<Int32>, to p: UnsafeMutablePointer<UInt8>) {
        #if EDGEFLEET_AVX2
        // Signed then unsigned saturating packs (exact for clamped values) and one 8-byte store.
        store8Packed(v, to: UnsafeMutableRawPointer(p), unsigned: true)
        #else
        p[0] = UInt8(truncatingIfNeeded: v[0]); p[1] = UInt8(truncatingIfNeeded: v[1])
        p[2] = UInt8(truncatingIfNeeded: v[2]); p[3] = UInt8(truncatingIfNeeded: v[3])
        p[4] = UInt8(truncatingIfNeeded: v[4]); p[5] = UInt8(truncatingIfNeeded: v[5])
        p[6] = UInt8(truncatingIfNeeded: v[6]); p[7] = UInt8(truncatingIfNeeded: v[7])
        #endif
    }
}

extension Int16: QuantizedElement {
    @inlinable @inline(__always)
    public static func load8(_ p: UnsafePointer<Int16>) -> SIMD8<Int32> {
        // Lane by lane: the stdlib's generic SIMD conversion is sometimes left as a call in large functions.
        SIMD8<Int32>(Int32(p[0]), Int32(p[1]), Int32(p[2]), Int32(p[3]), Int32(p[4]), Int32(p[5]), Int32(p[6]), Int32(p[7]))
    }
    @inlinable @inline(__always)
    public static func store8(_ v: SIMD8<Int32>, to p: UnsafeMutablePointer<Int16>) {
        p[0] = Int16(truncatingIfNeeded: v[0]); p[1] = Int16(truncatingIfNeeded: v[1])
        p[2] = Int16(truncatingIfNeeded: v[2]); p[3] = Int16(truncatingIfNeeded: v[3])
        p[4] = Int16(truncatingIfNeeded: v[4]); p[5] = Int16(truncatingIfNeeded: v[5])
        p[6] = Int16(truncatingIfNeeded: v[6]); p[7] = Int16(truncatingIfNeeded: v[7])
    }
}

#if EDGEFLEET_AVX2
/// Narrows eight clamped Int32 lanes to bytes with saturating packs (exact for values already in range) and
/// stores them with one 8-byte write. Within each 128-bit half the packs leave the half's four bytes in its first
/// dword; one cross-lane permute brings the two dwords together.
@inlinable @inline(__always)
func store8Packed(_ v: SIMD8<Int32>, to p: UnsafeMutableRawPointer, unsigned: Bool) {
    let x = unsafeBitCast(v, to: __m256i.self)
    let words = _mm256_packs_epi32(x, x)
    let bytes = unsigned ? _mm256_packus_epi16(words, words) : _mm256_packs_epi16(words, words)
    let joined = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 0, 4, 0, 4, 0, 4))
    _mm_storel_epi64(p.assumingMemoryBound(to: __m128i.self), _mm256_castsi256_si128(joined))
}
#endif

/// Loads eight consecutive values widened to Int32 lanes.
@inlinable @inline(__always)
func load8<T: QuantizedElement>(_ p: UnsafePointer<T>) -> SIMD8<Int32> {
    T.load8(p)
}
