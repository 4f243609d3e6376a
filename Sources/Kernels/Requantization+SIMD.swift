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
/// The per-channel constants of the eight-lane AVX2 requantisation: the multipliers (and the odd lanes' ones moved
/// down), the left and right shifts and the rounding masks. Computed per call by
/// `multiplyByQuantizedMultiplierAVX2`, and once per block of four pixels by `PreparedRequantization16`, where they
/// then cost nothing per pixel.
@frozen
public struct RequantizationLanesAVX2 {
    @usableFromInline var multiplier, odd, left, right, mask, half: __m256i

    /// Each odd lane copied down into the even lane below it (`vpshufd $0xf5`). Not `_mm256_srli_epi64(x, 32)`,
    /// though it moves the same bits: where the constants were hoisted out of a pixel loop (conv2D's 4×16 tile, the
    /// depthwise row), LLVM saw the zero upper halves the logical shift leaves, could no longer prove both of
    /// `vpmuldq`'s operands sign-extended, and emitted a full 64-bit multiply — three `vpmuludq` and eight shifts and
    /// adds per eight lanes instead of one `vpmuldq` (seen in the disassembly; 0.2 M of VWW's 5.2 M instructions on
    /// an emulated Haswell). A shuffle leaves the upper halves unknown, so the operands keep their sign extension.
    @inlinable static var oddLanes: __m256i { _mm256_setr_epi32(1, 1, 3, 3, 5, 5, 7, 7) }

    @inlinable @inline(__always)
    public init(multiplier m: __m256i, shift: __m256i) {
        let zero = _mm256_setzero_si256(), one = _mm256_set1_epi32(1)
        multiplier = m
        odd = _mm256_permutevar8x32_epi32(m, Self.oddLanes)
        left = _mm256_max_epi32(shift, zero)
        right = _mm256_max_epi32(_mm256_sub_epi32(zero, shift), zero)
        mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, right), one)
        half = _mm256_srai_epi32(mask, 1)
    }

    /// MultiplyByQuantizedMultiplier(x) on eight lanes: 32×32→64-bit products of even and odd lanes (`vpmuldq`),
    /// the rounding doubling high half as one add and shift, then the rounding right shift per lane (`vpsravd`).
    @inlinable @inline(__always)
    func apply(_ x: __m256i) -> __m256i {
        let a = _mm256_sllv_epi32(x, left)
        // (p + 2^30) >> 31 equals TFLite's sign-dependent nudge and division toward zero (see the portable twin).
        // AVX2 has no 64-bit arithmetic shift, but a logical one leaves the same low 32 bits, which is all we keep.
        let nudge = _mm256_set1_epi64x(1 << 30)
        let even = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(a, multiplier), nudge), 31)
        // The odd lanes' (p + 2^30) >> 31 is bits 31…62 of p + 2^30: shifted left by one they sit in the high half,
        // and one `vpblendvb` with a constant mask takes them — two instructions fewer than a shift, a mask and an
        // or (`_mm256_blend_epi32` takes an immediate, which Swift cannot import).
        let oddHigh = _mm256_slli_epi64(
            _mm256_add_epi64(_mm256_mul_epi32(_mm256_permutevar8x32_epi32(a, Self.oddLanes), odd), nudge), 1)
        let q = _mm256_blendv_epi8(even, oddHigh, _mm256_set1_epi64x(-0x1_0000_0000))
        // threshold = mask/2 + (q < 0); the sign bit shifted down is that 1. A true compare is −1: subtract it.
        let threshold = _mm256_add_epi32(half, _mm256_srli_epi32(q, 31))
        let roundUp = _mm256_cmpgt_epi32(_mm256_and_si256(q, mask), threshold)
        return _mm256_sub_epi32(_mm256_srav_epi32(q, right), roundUp)
    }
}

/// Eight-lane double-rounding requantisation with AVX2 intrinsics (`RequantizationLanesAVX2`).
@inlinable @inline(__always)
public func multiplyByQuantizedMultiplierAVX2(_ x: SIMD8<Int32>, _ multiplier: SIMD8<Int32>, _ shift: SIMD8<Int32>) -> SIMD8<Int32> {
    let lanes = RequantizationLanesAVX2(multiplier: unsafeBitCast(multiplier, to: __m256i.self),
                                        shift: unsafeBitCast(shift, to: __m256i.self))
    return unsafeBitCast(lanes.apply(unsafeBitCast(x, to: __m256i.self)), to: SIMD8<Int32>.self)
}

/// The requantisation constants and biases of sixteen consecutive channels (two 8-lane halves), computed once per
/// block of four pixels instead of once per pixel: `requantizeAndStore16AVX2` then costs 16 instructions per eight
/// lanes instead of 24, plus the bias, zero point and clamp. Only for a whole block with fixed-point multipliers.
@frozen
public struct PreparedRequantization16 {
    @usableFromInline var bias0, bias1: __m256i
    @usableFromInline var lanes0, lanes1: RequantizationLanesAVX2

    /// Constants for channels `first..<first + 16` of the prepared per-channel arrays.
    @inlinable @inline(__always)
    public init(bias: UnsafePointer<Int32>, multipliers: UnsafePointer<Int32>, shifts: UnsafePointer<Int32>, first: Int) {
        @inline(__always) func load(_ p: UnsafePointer<Int32>) -> __m256i {
            UnsafeRawPointer(p).loadUnaligned(as: __m256i.self)
        }
        bias0 = load(bias + first)
        bias1 = load(bias + first + 8)
        lanes0 = RequantizationLanesAVX2(multiplier: load(multipliers + first), shift: load(shifts + first))
        lanes1 = RequantizationLanesAVX2(multiplier: load(multipliers + first + 8), shift: load(shifts + first + 8))
    }
}

/// Requantises sixteen accumulators of one block (`acc`, 16 consecutive Int32) with prepared constants, adds the
/// zero point, clamps and stores them as sixteen bytes with two packs and one 16-byte store.
@inlinable @inline(__always)
func requantizeAndStore16AVX2(_ acc: UnsafePointer<Int32>, _ r: borrowing PreparedRequantization16, zeroPoint: Int32,
                              min lo: Int32, max hi: Int32, to out: UnsafeMutableRawPointer, unsigned: Bool) {
    let zp = _mm256_set1_epi32(zeroPoint), low = _mm256_set1_epi32(lo), high = _mm256_set1_epi32(hi)
    var v0 = r.lanes0.apply(_mm256_add_epi32(UnsafeRawPointer(acc).loadUnaligned(as: __m256i.self), r.bias0))
    var v1 = r.lanes1.apply(_mm256_add_epi32(UnsafeRawPointer(acc + 8).loadUnaligned(as: __m256i.self), r.bias1))
    v0 = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(v0, zp), low), high)
    v1 = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(v1, zp), low), high)
    // Per 128-bit half the packs give [v0 0-3, v1 0-3] then [v0 4-7, v1 4-7] as dwords 0, 1 and 4, 5.
    let words = _mm256_packs_epi32(v0, v1)
    let bytes = unsigned ? _mm256_packus_epi16(words, words) : _mm256_packs_epi16(words, words)
    let joined = _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 0, 4, 1, 5))
    _mm_storeu_si128(out.assumingMemoryBound(to: __m128i.self), _mm256_castsi256_si128(joined))
}
#endif

/// Requantises one block of sixteen int32 sums of consecutive channels `first..<first + 16` (bias added, fixed-point
/// multiplier and shift per channel, zero point, clamp) to int8, as the pair and quad GEMM paths do after a tile:
/// the prepared AVX2 form where the build has AVX2, else the scalar one. For tests of that form.
public func requantizeBlock16(_ acc: UnsafePointer<Int32>, bias: UnsafePointer<Int32>, multipliers: UnsafePointer<Int32>,
                              shifts: UnsafePointer<Int32>, first: Int, zeroPoint: Int32, min lo: Int32, max hi: Int32,
                              to out: UnsafeMutablePointer<Int8>) {
    #if EDGEFLEET_AVX2
    let prepared = PreparedRequantization16(bias: bias, multipliers: multipliers, shifts: shifts, first: first)
    requantizeAndStore16AVX2(acc, prepared, zeroPoint: zeroPoint, min: lo, max: hi, to: UnsafeMutableRawPointer(out),
                             unsigned: false)
    #else
    for j in 0..<16 {
        let c = first + j
        let v = multiplyByQuantizedMultiplier(acc[j] &+ bias[c], multipliers[c], shifts[c]) &+ zeroPoint
        out[j] = Int8(truncatingIfNeeded: Swift.min(Swift.max(v, lo), hi))
    }
    #endif
}

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
