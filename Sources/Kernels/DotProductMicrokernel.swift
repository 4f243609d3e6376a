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
    /// True when this process uses the `sdot` microkernel: the CPU has it and `EDGEFLEET_DISABLE_DOTPROD` is unset.
    ///
    /// Read once; filters packed before and after agree. The environment switch exists so tests (and anyone
    /// comparing) can run the int16 `pmaddwd`/`mla` path on a dot-product CPU.
    public static let isEnabled: Bool = cpuHasIt && getenv("EDGEFLEET_DISABLE_DOTPROD") == nil

    /// True when the CPU executes the dot-product instructions (always false off aarch64).
    public static let cpuHasIt: Bool = edgefleet_cpu_has_dotprod() != 0

    /// The GEMM microkernel int8 convolutions use in this process, for reports (`edgectl bench`).
    public static var microkernel: String {
        if isEnabled { return "sdot (ARMv8.2 dot product, int8 quads)" }
        #if EDGEFLEET_AVX2
        return "pmaddwd (AVX2, int16 pairs)"
        #else
        return "portable SIMD (int16 pairs)" + (cpuHasIt ? "; sdot disabled by EDGEFLEET_DISABLE_DOTPROD" : "")
        #endif
    }
}

/// The dot-product microkernel: 4 pixels × 16 channels over `kQuads` groups of four int8 values.
///
/// - `weights`: one block of `PackedFilter.quads` (`kQuads × 16 × 4` Int8, `[kQuad][channel][4]`).
/// - `pixels`: four pointers to `kQuads × 4` Int8 activations (the receptive field, zero-padded to a multiple of 4).
/// - `accumulators`: 64 Int32 written as `[pixel][channel]`.
/// Calls the C `sdot` kernel only where ``DotProduct/isEnabled``; elsewhere the portable twin (never on a hot path:
/// filters are packed as quads only when the path is enabled).
@inlinable @inline(__always)
public func gemmTile4x16Quads(weights: UnsafePointer<Int8>, pixels p0: UnsafePointer<Int8>, _ p1: UnsafePointer<Int8>,
                              _ p2: UnsafePointer<Int8>, _ p3: UnsafePointer<Int8>, kQuads: Int,
                              accumulators: UnsafeMutablePointer<Int32>) {
    #if arch(arm64)
    if DotProduct.isEnabled {
        edgefleet_sdot_tile4x16(weights, p0, p1, p2, p3, kQuads, accumulators)
        return
    }
    #endif
    gemmTile4x16QuadsPortable(weights: weights, pixels: p0, p1, p2, p3, kQuads: kQuads, accumulators: accumulators)
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
/// the activation side of ``gemmTile4x16Quads(weights:pixels:_:_:_:kQuads:accumulators:)``.
@inlinable @inline(__always)
func packQuads(rows: UnsafeMutablePointer<UnsafePointer<Int8>>, taps: Int, channels: Int, kQuads: Int,
               into values: UnsafeMutablePointer<Int8>) {
    var k = 0
    forEachTapRun(rows: rows, taps: taps, channels: channels) { row, run in
        (values + k).update(from: row, count: run)
        k += run
    }
    while k < kQuads * 4 {
        values[k] = 0
        k += 1
    }
}
