import CDotProduct
#if canImport(Glibc)
import Glibc
#endif

/// The ARMv8.2 dot-product (`sdot`) path for int8 convolutions and fully-connected layers, chosen at run time.
///
/// Swift cannot emit `sdot` without compiling for ARMv8.2 throughout, which would crash the Pi 3, Zero 2 W and
/// Pi 4 (Cortex-A53/A72) with SIGILL; so the instruction lives in one C function (`CDotProduct`) that is called
/// only when the kernel's HWCAP says the CPU has it (Cortex-A76, Pi 5).
public enum DotProduct {
    /// True when new filters use the `sdot` microkernel: the CPU has it and neither `EDGEFLEET_DISABLE_DOTPROD`
    /// nor `EDGEFLEET_MICROKERNEL` chose another (``Microkernel/selected``).
    public static var isEnabled: Bool { Microkernel.selected == .sdot }

    /// True when the CPU executes the dot-product instructions (always false off aarch64).
    public static var cpuHasIt: Bool { CPUFeatures.current.hasDotProduct }

    /// The GEMM microkernel int8 convolutions use by default in this process, for reports (`edgectl bench`).
    public static var microkernel: String { Microkernel.selected.summary }
}

/// The dot-product microkernel: 4 pixels × 16 channels over `kQuads` groups of four int8 values.
///
/// - `weights`: one block of `PackedFilter.quads` (`kQuads × 16 × 4` Int8, `[kQuad][channel][4]`).
/// - `pixels`: four pointers to `kQuads × 4` Int8 activations (the receptive field, zero-padded to a multiple of 4).
/// - `accumulators`: 64 Int32 written as `[pixel][channel]`.
/// Calls the C `sdot` kernel where the CPU has it; elsewhere the portable twin.
@inlinable @inline(__always)
public func gemmTile4x16Quads(weights: UnsafePointer<Int8>, pixels p0: UnsafePointer<Int8>, _ p1: UnsafePointer<Int8>,
                              _ p2: UnsafePointer<Int8>, _ p3: UnsafePointer<Int8>, kQuads: Int,
                              accumulators: UnsafeMutablePointer<Int32>) {
    #if arch(arm64)
    if CPUFeatures.current.hasDotProduct {
        edgefleet_sdot_tile4x16(weights, p0, p1, p2, p3, kQuads, accumulators)
        return
    }
    #endif
    gemmTile4x16QuadsPortable(weights: weights, pixels: p0, p1, p2, p3, kQuads: kQuads, accumulators: accumulators)
}

/// The VNNI microkernels (``Microkernel/avx512VNNI``, ``Microkernel/avxVNNI``): 4 pixels × 16 channels over
/// `kQuads` groups of four bytes.
///
/// - `weights`: one block of `PackedFilter.quads`. `pixels`: four pointers to `kQuads × 4` activations packed with
///   their sign bit flipped (x + 128). `starts`: the block's 16 `PackedFilter.quadStarts`.
/// - `accumulators`: 64 Int32 written as `[pixel][channel]`, equal to the signed dot products.
/// Call only with an available VNNI `kernel` (SIGILL otherwise); any other kernel is a precondition failure.
@inlinable @inline(__always)
public func gemmTile4x16VNNI(_ kernel: Microkernel, weights: UnsafePointer<Int8>, pixels p0: UnsafePointer<UInt8>,
                             _ p1: UnsafePointer<UInt8>, _ p2: UnsafePointer<UInt8>, _ p3: UnsafePointer<UInt8>, kQuads: Int,
                             starts: UnsafePointer<Int32>, accumulators: UnsafeMutablePointer<Int32>) {
    if kernel == .avx512VNNI {
        edgefleet_vnni512_tile4x16(weights, p0, p1, p2, p3, kQuads, starts, accumulators)
    } else {
        precondition(kernel == .avxVNNI, "not a VNNI microkernel: \(kernel)")
        edgefleet_avxvnni_tile4x16(weights, p0, p1, p2, p3, kQuads, starts, accumulators)
    }
}

/// Sixteen lanes of `multiplyByQuantizedMultiplier` in AVX-512 (the requantisation the AVX-512 VNNI convolution
/// tile fuses), for tests: `out[i] = multiplyByQuantizedMultiplier(x[i], multipliers[i], shifts[i])`, i < 16.
/// Call only when ``CPUFeatures/hasAVX512VNNI``.
public func multiplyByQuantizedMultiplierAVX512(_ x: UnsafePointer<Int32>, _ multipliers: UnsafePointer<Int32>,
                                                _ shifts: UnsafePointer<Int32>, into out: UnsafeMutablePointer<Int32>) {
    edgefleet_avx512_requantize16(x, multipliers, shifts, out)
}

/// ``multiplyByQuantizedMultiplierAVX512(_:_:_:into:)`` through the prepared form of the VNNI convolution's fused
/// requantisation (per-block constants, one 64-bit rounding shift), exposed for tests. Requires AVX-512 F.
public func multiplyByQuantizedMultiplierAVX512Prepared(_ x: UnsafePointer<Int32>, _ multipliers: UnsafePointer<Int32>,
                                                        _ shifts: UnsafePointer<Int32>, into out: UnsafeMutablePointer<Int32>) {
    edgefleet_avx512_requantize16_prepared(x, multipliers, shifts, out)
}

/// The `smlal` microkernel (aarch64 without dot product): 4 pixels × 16 channels over `kPairs` int16 pairs, with
/// the arguments and result of ``gemmTile4x16(weights:pixels:_:_:_:kPairs:accumulators:)``. Its twin is
/// ``gemmTile4x16Portable(weights:pixels:_:_:_:kPairs:accumulators:)``; off aarch64 it is that twin.
@inlinable @inline(__always)
public func gemmTile4x16SMLAL(weights: UnsafePointer<Int16>, pixels p0: UnsafePointer<Int32>, _ p1: UnsafePointer<Int32>,
                              _ p2: UnsafePointer<Int32>, _ p3: UnsafePointer<Int32>, kPairs: Int,
                              accumulators: UnsafeMutablePointer<Int32>) {
    #if arch(arm64)
    edgefleet_smlal_tile4x16(weights, p0, p1, p2, p3, kPairs, accumulators)
    #else
    gemmTile4x16Portable(weights: weights, pixels: p0, p1, p2, p3, kPairs: kPairs, accumulators: accumulators)
    #endif
}

/// The plain twin of the `sdot` microkernel (`sdot` semantics: each lane adds the dot product of four int8 pairs).
@inlinable
public func gemmTile4x16QuadsPortable(weights: UnsafePointer<Int8>, pixels p0: UnsafePointer<Int8>, _ p1: UnsafePointer<Int8>,
                                      _ p2: UnsafePointer<Int8>, _ p3: UnsafePointer<Int8>, kQuads: Int,
                                      accumulators: UnsafeMutablePointer<Int32>) {
    for p in 0..<4 {
        let pixel = p == 0 ? p0 : p == 1 ? p1 : p == 2 ? p2 : p3
        for c in 0..<16 {
            var sum: Int32 = 0
            for k in 0..<kQuads {
                for j in 0..<4 {
                    sum &+= Int32(weights[(k * 16 + c) * 4 + j]) &* Int32(pixel[k * 4 + j])
                }
            }
            accumulators[p * 16 + c] = sum
        }
    }
}

/// Packs one pixel's receptive field (taps × channels) as consecutive int8 values, zero-padded to a multiple of 4:
/// the activation side of ``gemmTile4x16Quads(weights:pixels:_:_:_:kQuads:accumulators:)``. With `flipSign` each
/// value is stored as x + 128 (its sign bit flipped), the unsigned bytes `vpdpbusd` multiplies.
@inlinable @inline(__always)
func packQuads(rows: UnsafeMutablePointer<UnsafePointer<Int8>>, taps: Int, channels: Int, kQuads: Int,
               into values: UnsafeMutablePointer<Int8>, flipSign: Bool = false) {
    var k = 0
    forEachTapRun(rows: rows, taps: taps, channels: channels) { row, run in
        if flipSign {
            // Sixteen bytes per XOR (the plain loop became 8-byte scalar XORs), then the tail.
            var c = 0
            let flip = SIMD16<UInt8>(repeating: 0x80)
            while c + 16 <= run {
                let v = UnsafeRawPointer(row + c).loadUnaligned(as: SIMD16<UInt8>.self) ^ flip
                UnsafeMutableRawPointer(values + k + c).storeBytes(of: v, as: SIMD16<UInt8>.self)
                c += 16
            }
            while c < run {
                values[k + c] = row[c] ^ Int8.min
                c += 1
            }
        } else {
            (values + k).update(from: row, count: run)
        }
        k += run
    }
    while k < kQuads * 4 {
        values[k] = 0
        k += 1
    }
}
