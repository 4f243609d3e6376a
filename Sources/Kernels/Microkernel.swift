#if canImport(Glibc)
import Glibc
#endif

/// The int8 GEMM microkernels (the innermost loop of CONV_2D and FULLY_CONNECTED), one chosen per packed filter.
///
/// The binary carries every kernel its architecture can run; which one a filter uses is decided at run time from
/// ``CPUFeatures`` (never only at compile time), so one x86-64 binary uses `vpdpbusd` on a VNNI CPU and `pmaddwd`
/// on a plain AVX2 one, and one aarch64 binary `sdot` on a Cortex-A76 and `smlal` on a Cortex-A53/A72. All of them
/// compute the same exact integer sums (KernelsTests compares each with its portable twin byte for byte).
public enum Microkernel: String, CaseIterable, Sendable {
    /// `vpdpbusd` on ZMM registers (AVX-512 VNNI): int8 quads, activations with the sign bit flipped.
    case avx512VNNI = "avx512-vnni"
    /// `vpdpbusd` on YMM registers (AVX-VNNI, VEX-encoded): the same layout and arithmetic on 256-bit halves.
    case avxVNNI = "avx-vnni"
    /// `pmaddwd` on int16 pairs (AVX2): the x86-64 fallback, compiled in when the baseline has AVX2.
    case avx2
    /// `sdot` (ARMv8.2 dot product) on int8 quads, for Cortex-A76 (Raspberry Pi 5) and newer.
    case sdot
    /// `smlal` by lane on int16 pairs, for aarch64 cores without dot product (Cortex-A53/A72: Pi 3, Zero 2 W, Pi 4).
    case smlal
    /// The plain Swift SIMD twin of the int16-pair kernels (`avx2`, `smlal`): runs anywhere.
    case portable
    /// The plain Swift twin of the quad kernels (`sdot` arithmetic): runs anywhere; only when forced.
    case portableQuads = "portable-quads"

    /// A one-line description for reports (`edgectl bench`).
    public var summary: String {
        switch self {
        case .avx512VNNI: "vpdpbusd (AVX-512 VNNI, int8 quads)"
        case .avxVNNI: "vpdpbusd (AVX-VNNI, int8 quads)"
        case .avx2: "pmaddwd (AVX2, int16 pairs)"
        case .sdot: "sdot (ARMv8.2 dot product, int8 quads)"
        case .smlal: "smlal (NEON, int16 pairs)"
        case .portable: "portable SIMD (int16 pairs)"
        case .portableQuads: "portable (int8 quads)"
        }
    }

    /// True when the kernel reads int8 quads (`PackedFilter.quads`), which needs int8 weights with zero point 0.
    public var usesQuads: Bool {
        switch self {
        case .avx512VNNI, .avxVNNI, .sdot, .portableQuads: true
        case .avx2, .smlal, .portable: false
        }
    }

    /// True when the kernel multiplies unsigned activations (`vpdpbusd`): they are packed as x + 128 and each
    /// channel's accumulator starts from −128 × Σw.
    public var flipsActivationSign: Bool { self == .avx512VNNI || self == .avxVNNI }

    /// True when this binary contains the kernel and this CPU executes it.
    public var isAvailable: Bool {
        let cpu = CPUFeatures.current
        switch self {
        case .avx512VNNI:
            #if arch(x86_64)
            return cpu.hasAVX512VNNI
            #else
            return false
            #endif
        case .avxVNNI:
            #if arch(x86_64)
            return cpu.hasAVXVNNI
            #else
            return false
            #endif
        case .avx2:
            #if EDGEFLEET_AVX2
            return cpu.hasAVX2
            #else
            return false
            #endif
        case .sdot:
            #if arch(arm64)
            return cpu.hasDotProduct
            #else
            return false
            #endif
        case .smlal:
            #if arch(arm64)
            return true
            #else
            return false
            #endif
        case .portable, .portableQuads:
            return true
        }
    }

    /// True when Kernels was compiled with the AVX2 baseline (release builds on x86-64), so the `avx2` kernel exists.
    public static var isAVX2Build: Bool {
        #if EDGEFLEET_AVX2
        return true
        #else
        return false
        #endif
    }

    /// Every kernel this process can run, fastest first (the twins last).
    public static let available: [Microkernel] = allCases.filter(\.isAvailable)

    /// The fastest kernel this CPU runs.
    ///
    /// AVX-512 VNNI before AVX-VNNI: on Zen 4/5 and Ice Lake or newer the ZMM form does twice the work per
    /// instruction (docs/benchmarks.md has the figures).
    public static let best: Microkernel = available.first ?? .portable

    /// The fastest kernel on int16 pairs, for filters the quad kernels cannot take (uint8 or nonzero zero points).
    public static let bestPairs: Microkernel = available.first { !$0.usesQuads } ?? .portable

    /// The kernel new filters use in this process: `EDGEFLEET_MICROKERNEL=<name>` when it names an available
    /// kernel, else ``best`` (without `sdot` when `EDGEFLEET_DISABLE_DOTPROD` is set, as before). Read once at
    /// start-up; the environment switch lets tests, benchmarks and bug reports compare the paths in one binary.
    public static let selected: Microkernel = {
        if let name = environment("EDGEFLEET_MICROKERNEL"), let kernel = Microkernel(rawValue: name), kernel.isAvailable {
            return kernel
        }
        if environment("EDGEFLEET_DISABLE_DOTPROD") != nil {
            return available.first { $0 != .sdot } ?? .portable
        }
        return best
    }()

    /// Why `EDGEFLEET_MICROKERNEL` was ignored, when it was set to an unknown or unavailable kernel; nil otherwise.
    public static let selectionProblem: String? = {
        guard let name = environment("EDGEFLEET_MICROKERNEL") else { return nil }
        guard let kernel = Microkernel(rawValue: name) else {
            return "EDGEFLEET_MICROKERNEL=\(name) names no microkernel (known: \(allCases.map(\.rawValue).joined(separator: ", ")))"
        }
        return kernel.isAvailable ? nil
            : "EDGEFLEET_MICROKERNEL=\(name): this CPU or build lacks it (available: \(available.map(\.rawValue).joined(separator: ", ")))"
    }()

    /// The kernel a filter actually gets when this one is asked for: quad kernels need int8 weights with zero
    /// point 0, so other filters fall back to the best pair kernel.
    public func resolved(quadsPossible: Bool) -> Microkernel {
        usesQuads && !quadsPossible ? Self.bestPairs : self
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let s = String(cString: value)
        return s.isEmpty ? nil : s
    }
}
