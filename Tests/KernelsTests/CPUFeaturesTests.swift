import Foundation
import Kernels
import XCTest

/// Run-time CPU detection (CPUID/XGETBV, HWCAP) against what the kernel reports in /proc/cpuinfo, and the
/// dispatch built on it.
final class CPUFeaturesTests: XCTestCase {
    func testFeaturesAgreeWithProcCpuinfo() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flagLine = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") || $0.hasPrefix("Features") }
        let flags = Set((flagLine ?? "").split(separator: ":").last.map { $0.split(separator: " ").map(String.init) } ?? [])
        XCTAssertFalse(flags.isEmpty, "/proc/cpuinfo lists no flags")
        let cpu = CPUFeatures.current
        #if arch(x86_64)
        XCTAssertEqual(cpu.hasAVX2, flags.contains("avx2"))
        XCTAssertEqual(cpu.hasAVX512VNNI, flags.isSuperset(of: ["avx512f", "avx512bw", "avx512_vnni"]))
        XCTAssertEqual(cpu.hasAVXVNNI, flags.contains("avx_vnni"))
        XCTAssertFalse(CPUFeatures.brand.isEmpty, "CPUID brand string")
        #elseif arch(arm64)
        // Under qemu-user on an x86-64 host, /proc/cpuinfo is the host's (x86 `flags`, no `Features` line), while
        // HWCAP is the emulated core's: there is nothing to compare (scripts/test-aarch64.sh, docs/arm.md).
        try XCTSkipUnless(flagLine?.hasPrefix("Features") == true,
                          "/proc/cpuinfo is not an aarch64 kernel's (qemu-user on another host)")
        XCTAssertEqual(cpu.hasDotProduct, flags.contains("asimddp"))
        XCTAssertTrue(cpu.hasNEON)
        #endif
    }

    func testSelectionPrefersTheFastestAvailableKernel() {
        XCTAssertEqual(Microkernel.best, Microkernel.available.first)
        XCTAssertTrue(Microkernel.selected.isAvailable)
        XCTAssertFalse(Microkernel.bestPairs.usesQuads)
        #if arch(x86_64)
        if CPUFeatures.current.hasAVX512VNNI { XCTAssertEqual(Microkernel.best, .avx512VNNI) }
        else if CPUFeatures.current.hasAVXVNNI { XCTAssertEqual(Microkernel.best, .avxVNNI) }
        #endif
        #if arch(arm64)
        XCTAssertEqual(Microkernel.best, CPUFeatures.current.hasDotProduct ? .sdot : .smlal)
        #endif
    }
}
