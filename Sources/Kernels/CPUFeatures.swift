import CDotProduct

/// The instruction-set features of the CPU this process runs on, read once from CPUID/XGETBV (x86-64) or the
/// kernel's HWCAP (aarch64): what the microkernel dispatch (``Microkernel``) and reports rely on.
public struct CPUFeatures: Sendable, Equatable {
    /// The raw `EDGEFLEET_CPU_*` bits of the C target.
    public var bits: UInt32

    /// This CPU's features, detected once at start-up.
    public static let current = CPUFeatures(bits: edgefleet_cpu_features())

    public init(bits: UInt32) { self.bits = bits }

    public var hasAVX2: Bool { bits & EDGEFLEET_CPU_AVX2 != 0 }
    /// AVX-512 F, BW and VNNI together: what the `vpdpbusd` ZMM microkernel needs.
    public var hasAVX512VNNI: Bool {
        let needed: UInt32 = EDGEFLEET_CPU_AVX512F | EDGEFLEET_CPU_AVX512BW | EDGEFLEET_CPU_AVX512VNNI
        return bits & needed == needed
    }
    public var hasAVXVNNI: Bool { bits & EDGEFLEET_CPU_AVXVNNI != 0 }
    public var hasNEON: Bool { bits & EDGEFLEET_CPU_NEON != 0 }
    public var hasDotProduct: Bool { bits & EDGEFLEET_CPU_DOTPROD != 0 }

    /// The features found, by their usual names (`avx2`, `avx512f`, `avx512bw`, `avx512_vnni`, `avx_vnni`, `neon`,
    /// `asimddp`), in a fixed order: for `edgectl bench` and docs/benchmarks.md.
    public var names: [String] {
        let table: [(UInt32, String)] = [
            (EDGEFLEET_CPU_AVX2, "avx2"), (EDGEFLEET_CPU_AVX512F, "avx512f"),
            (EDGEFLEET_CPU_AVX512BW, "avx512bw"), (EDGEFLEET_CPU_AVX512VNNI, "avx512_vnni"),
            (EDGEFLEET_CPU_AVXVNNI, "avx_vnni"), (EDGEFLEET_CPU_NEON, "neon"),
            (EDGEFLEET_CPU_DOTPROD, "asimddp"),
        ]
        return table.filter { bits & $0.0 != 0 }.map(\.1)
    }

    /// The CPU's model name from CPUID's brand string on x86-64 (for example `AMD EPYC`); empty elsewhere, where
    /// callers read /proc/cpuinfo or the device tree.
    public static let brand: String = {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let length = edgefleet_cpu_brand(buffer.baseAddress!, 64)
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: Int(length)), as: UTF8.self)
        }
    }()
}

/// One poll of a busy-wait loop: tells the CPU the thread is spinning (`pause` on x86-64, `yield` on aarch64), so a
/// sibling thread on the same physical core keeps its execution resources. For `WorkerPool`'s hand-off loops.
@inline(__always)
public func spinLoopHint() {
    edgefleet_spin_hint()
}
