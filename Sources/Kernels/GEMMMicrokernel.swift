#if EDGEFLEET_AVX2
import _Builtin_intrinsics.intel
#endif

/// The innermost loop of every convolution and fully-connected layer: a 4-pixel × 16-channel tile of int32
/// dot products over `kPairs` pairs of int16 values.
///
/// - `weights`: one block of a `PackedFilter` (`kPairs × 16 × 2` Int16).
/// - `pixels`: four pointers to `kPairs` Int32 values, each two int16 activations (k, k+1) packed low/high.
/// - `accumulators`: 64 Int32 written as `[pixel][channel]`; the tile starts from zero.
/// The AVX2 form (`pmaddwd`) and the portable form compute the same exact integer sums.
@inlinable @inline(__always)
public func gemmTile4x16(weights: UnsafePointer<Int16>, pixels p0: UnsafePointer<Int32>, _ p1: UnsafePointer<Int32>,
                         _ p2: UnsafePointer<Int32>, _ p3: UnsafePointer<Int32>, kPairs: Int,
                         accumulators: UnsafeMutablePointer<Int32>) {
    #if EDGEFLEET_AVX2
    gemmTile4x16AVX2(weights: weights, pixels: p0, p1, p2, p3, kPairs: kPairs, accumulators: accumulators)
    #else
    gemmTile4x16Portable(weights: weights, pixels: p0, p1, p2, p3, kPairs: kPairs, accumulators: accumulators)
    #endif
}

/// One pixel × 16 channels: `gemmTile4x16` for a group of one pixel (a batch-1 FULLY_CONNECTED, whose single row
/// the 4-pixel tile would compute four times). Writes pixel 0's 16 accumulators only. AVX2: `gemmTile1x16AVX2`;
/// elsewhere the portable 4-pixel twin with the pixel four times.
@inlinable @inline(__always)
public func gemmTile1x16(weights: UnsafePointer<Int16>, pixel p0: UnsafePointer<Int32>, kPairs: Int,
                         accumulators: UnsafeMutablePointer<Int32>) {
    #if EDGEFLEET_AVX2
    gemmTile1x16AVX2(weights: weights, pixel: p0, kPairs: kPairs, accumulators: accumulators)
    #else
    gemmTile4x16Portable(weights: weights, pixels: p0, p0, p0, p0, kPairs: kPairs, accumulators: accumulators)
    #endif
}

/// The portable twin of the microkernel, in plain Swift SIMD; the reference the AVX2 form is tested against.
@inlinable @inline(__always)
public func gemmTile4x16Portable(weights: UnsafePointer<Int16>, pixels p0: UnsafePointer<Int32>, _ p1: UnsafePointer<Int32>,
                                 _ p2: UnsafePointer<Int32>, _ p3: UnsafePointer<Int32>, kPairs: Int,
                                 accumulators: UnsafeMutablePointer<Int32>) {
    var a0 = SIMD16<Int32>(), a1 = SIMD16<Int32>(), a2 = SIMD16<Int32>(), a3 = SIMD16<Int32>()
    let raw = UnsafeRawPointer(weights)
    for k in 0..<kPairs {
        // Each Int32 lane holds one channel's weight pair (k low, k+1 high). Splitting it with shifts keeps the
        // loop free of `SIMD32.evenHalf`/`oddHalf`, which are not inlined on aarch64: their calls spilled all
        // sixteen accumulators every step (3.3× slower under qemu, 2.3× on x86 without AVX2; docs/arm.md).
        let w = raw.loadUnaligned(fromByteOffset: k * 64, as: SIMD16<Int32>.self)
        let even = (w &<< 16) &>> 16
        let odd = w &>> 16
        @inline(__always) func madd(_ pair: Int32) -> SIMD16<Int32> {
            let lo = SIMD16<Int32>(repeating: Int32(Int16(truncatingIfNeeded: pair)))
            let hi = SIMD16<Int32>(repeating: pair >> 16)
            return even &* lo &+ odd &* hi
        }
        a0 &+= madd(p0[k])
        a1 &+= madd(p1[k])
        a2 &+= madd(p2[k])
        a3 &+= madd(p3[k])
    }
    let out = UnsafeMutableRawPointer(accumulators)
    out.storeBytes(of: a0, toByteOffset: 0, as: SIMD16<Int32>.self)
    out.storeBytes(of: a1, toByteOffset: 64, as: SIMD16<Int32>.self)
    out.storeBytes(of: a2, toByteOffset: 128, as: SIMD16<Int32>.self)
    out.storeBytes(of: a3, toByteOffset: 192, as: SIMD16<Int32>.self)
}

/// The narrow microkernel: 4 pixels × 8 channels, for a `PackedFilter`'s last block when it holds ≤ 8 channels.
///
/// - `weights`: the narrow block (`kPairs × 8 × 2` Int16). `pixels` as in ``gemmTile4x16(weights:pixels:_:_:_:kPairs:accumulators:)``.
/// - `accumulators`: written as `[pixel][channel]` with a row stride of 16 (the wide tile's layout), first 8 lanes.
@inlinable @inline(__always)
public func gemmTile4x8(weights: UnsafePointer<Int16>, pixels p0: UnsafePointer<Int32>, _ p1: UnsafePointer<Int32>,
                        _ p2: UnsafePointer<Int32>, _ p3: UnsafePointer<Int32>, kPairs: Int,
                        accumulators: UnsafeMutablePointer<Int32>) {
    #if EDGEFLEET_AVX2
    var c0 = _mm256_setzero_si256(), c1 = _mm256_setzero_si256(), c2 = _mm256_setzero_si256(), c3 = _mm256_setzero_si256()
    let w = UnsafeRawPointer(weights)
    for k in 0..<kPairs {
        let w0 = _mm256_loadu_si256((w + k * 32).assumingMemoryBound(to: __m256i.self))
        c0 = _mm256_add_epi32(c0, _mm256_madd_epi16(w0, _mm256_set1_epi32(p0[k])))
        c1 = _mm256_add_epi32(c1, _mm256_madd_epi16(w0, _mm256_set1_epi32(p1[k])))
        c2 = _mm256_add_epi32(c2, _mm256_madd_epi16(w0, _mm256_set1_epi32(p2[k])))
        c3 = _mm256_add_epi32(c3, _mm256_madd_epi16(w0, _mm256_set1_epi32(p3[k])))
    }
    let out = UnsafeMutableRawPointer(accumulators)
    _mm256_storeu_si256(out.assumingMemoryBound(to: __m256i.self), c0)
    _mm256_storeu_si256((out + 64).assumingMemoryBound(to: __m256i.self), c1)
    _mm256_storeu_si256((out + 128).assumingMemoryBound(to: __m256i.self), c2)
    _mm256_storeu_si256((out + 192).assumingMemoryBound(to: __m256i.self), c3)
    #else
    gemmTile4x8Portable(weights: weights, pixels: p0, p1, p2, p3, kPairs: kPairs, accumulators: accumulators)
    #endif
}

/// The portable twin of ``gemmTile4x8(weights:pixels:_:_:_:kPairs:accumulators:)`` in Swift SIMD types.
@inlinable @inline(__always)
public func gemmTile4x8Portable(weights: UnsafePointer<Int16>, pixels p0: UnsafePointer<Int32>, _ p1: UnsafePointer<Int32>,
                                _ p2: UnsafePointer<Int32>, _ p3: UnsafePointer<Int32>, kPairs: Int,
                                accumulators: UnsafeMutablePointer<Int32>) {
    var a0 = SIMD8<Int32>(), a1 = SIMD8<Int32>(), a2 = SIMD8<Int32>(), a3 = SIMD8<Int32>()
    let raw = UnsafeRawPointer(weights)
    for k in 0..<kPairs {
        let w = raw.loadUnaligned(fromByteOffset: k * 32, as: SIMD8<Int32>.self)
        let even = (w &<< 16) &>> 16
        let odd = w &>> 16
        @inline(__always) func madd(_ pair: Int32) -> SIMD8<Int32> {
            even &* SIMD8<Int32>(repeating: Int32(Int16(truncatingIfNeeded: pair))) &+ odd &* SIMD8<Int32>(repeating: pair >> 16)
        }
        a0 &+= madd(p0[k])
        a1 &+= madd(p1[k])
        a2 &+= madd(p2[k])
        a3 &+= madd(p3[k])
    }
    let out = UnsafeMutableRawPointer(accumulators)
    out.storeBytes(of: a0, toByteOffset: 0, as: SIMD8<Int32>.self)
    out.storeBytes(of: a1, toByteOffset: 64, as: SIMD8<Int32>.self)
    out.storeBytes(of: a2, toByteOffset: 128, as: SIMD8<Int32>.self)
    out.storeBytes(of: a3, toByteOffset: 192, as: SIMD8<Int32>.self)
}

#if EDGEFLEET_AVX2
/// The AVX2 microkernel: eight 8-lane accumulators, `pmaddwd` on interleaved int16 weight pairs.
@inlinable @inline(__always)
public func gemmTile4x16AVX2(weights: UnsafePointer<Int16>, pixels p0: UnsafePointer<Int32>, _ p1: UnsafePointer<Int32>,
                             _ p2: UnsafePointer<Int32>, _ p3: UnsafePointer<Int32>, kPairs: Int,
                             accumulators: UnsafeMutablePointer<Int32>) {
    var c00 = _mm256_setzero_si256(), c01 = _mm256_setzero_si256()
    var c10 = _mm256_setzero_si256(), c11 = _mm256_setzero_si256()
    var c20 = _mm256_setzero_si256(), c21 = _mm256_setzero_si256()
    var c30 = _mm256_setzero_si256(), c31 = _mm256_setzero_si256()
    let w = UnsafeRawPointer(weights)
    for k in 0..<kPairs {
        let w0 = _mm256_loadu_si256((w + k * 64).assumingMemoryBound(to: __m256i.self))
        let w1 = _mm256_loadu_si256((w + k * 64 + 32).assumingMemoryBound(to: __m256i.self))
        let b0 = _mm256_set1_epi32(p0[k])
        c00 = _mm256_add_epi32(c00, _mm256_madd_epi16(w0, b0))
        c01 = _mm256_add_epi32(c01, _mm256_madd_epi16(w1, b0))
        let b1 = _mm256_set1_epi32(p1[k])
        c10 = _mm256_add_epi32(c10, _mm256_madd_epi16(w0, b1))
        c11 = _mm256_add_epi32(c11, _mm256_madd_epi16(w1, b1))
        let b2 = _mm256_set1_epi32(p2[k])
        c20 = _mm256_add_epi32(c20, _mm256_madd_epi16(w0, b2))
        c21 = _mm256_add_epi32(c21, _mm256_madd_epi16(w1, b2))
        let b3 = _mm256_set1_epi32(p3[k])
        c30 = _mm256_add_epi32(c30, _mm256_madd_epi16(w0, b3))
        c31 = _mm256_add_epi32(c31, _mm256_madd_epi16(w1, b3))
    }
    let out = UnsafeMutableRawPointer(accumulators)
    func store(_ v: __m256i, _ offset: Int) {
        _mm256_storeu_si256((out + offset).assumingMemoryBound(to: __m256i.self), v)
    }
    store(c00, 0); store(c01, 32)
    store(c10, 64); store(c11, 96)
    store(c20, 128); store(c21, 160)
    store(c30, 192); store(c31, 224)
}

/// One pixel × 16 channels of the AVX2 microkernel, for a group of one pixel (a batch-1 FULLY_CONNECTED, whose
/// single row the 4-pixel tile would compute four times): 7 instructions per pair of k instead of 26. Writes the
/// first 16 accumulators (pixel 0) only. Its twin is `gemmTile4x16Portable` with the pixel four times.
@inlinable @inline(__always)
public func gemmTile1x16AVX2(weights: UnsafePointer<Int16>, pixel p0: UnsafePointer<Int32>, kPairs: Int,
                             accumulators: UnsafeMutablePointer<Int32>) {
    var c0 = _mm256_setzero_si256(), c1 = _mm256_setzero_si256()
    let w = UnsafeRawPointer(weights)
    for k in 0..<kPairs {
        let b = _mm256_set1_epi32(p0[k])
        c0 = _mm256_add_epi32(c0, _mm256_madd_epi16(_mm256_loadu_si256((w + k * 64).assumingMemoryBound(to: __m256i.self)), b))
        c1 = _mm256_add_epi32(c1, _mm256_madd_epi16(_mm256_loadu_si256((w + k * 64 + 32).assumingMemoryBound(to: __m256i.self)), b))
    }
    let out = UnsafeMutableRawPointer(accumulators)
    _mm256_storeu_si256(out.assumingMemoryBound(to: __m256i.self), c0)
    _mm256_storeu_si256((out + 32).assumingMemoryBound(to: __m256i.self), c1)
}
#endif
