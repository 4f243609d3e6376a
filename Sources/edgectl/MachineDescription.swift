import Foundation
import Kernels

/// What `edgectl bench` says about the machine a figure came from: the CPU model, the ISA features the kernels
/// detected, and the GEMM microkernel chosen. Speed figures mean nothing without them (docs/benchmarks.md keeps one
/// table per machine kind).
struct MachineDescription {
    /// For example `AMD EPYC` (x86-64 brand string) or `Raspberry Pi 4 Model B Rev 1.4 (Cortex-A72)`.
    var cpuModel: String
    /// Features found at start-up (``CPUFeatures/names``), e.g. `avx2 avx512f avx512bw avx512_vnni avx_vnni`.
    var isaFeatures: [String]
    /// The default microkernel of this process (``Microkernel/selected``).
    var defaultMicrokernel: Microkernel

    static var current: MachineDescription {
        MachineDescription(cpuModel: cpuModelName(), isaFeatures: CPUFeatures.current.names, defaultMicrokernel: .selected)
    }

    /// The brand string on x86-64; on aarch64 the board (device tree) and the core (/proc/cpuinfo's "CPU part").
    static func cpuModelName() -> String {
        if !CPUFeatures.brand.isEmpty { return CPUFeatures.brand }
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            for line in cpuinfo.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
        if let name = field("model name") { return name }
        // Arm cores by their part number (implementer 0x41, Arm Ltd).
        let cores = ["0xd03": "Cortex-A53", "0xd04": "Cortex-A35", "0xd05": "Cortex-A55", "0xd07": "Cortex-A57",
                     "0xd08": "Cortex-A72", "0xd09": "Cortex-A73", "0xd0a": "Cortex-A75", "0xd0b": "Cortex-A76",
                     "0xd0c": "Neoverse-N1", "0xd40": "Neoverse-V1", "0xd49": "Neoverse-N2"]
        let core = field("CPU part").map { cores[$0.lowercased()] ?? "Arm part \($0)" }
        let board = (try? String(contentsOfFile: "/proc/device-tree/model", encoding: .utf8))?
            .trimmingCharacters(in: CharacterSet(charactersIn: "\u{0}").union(.whitespacesAndNewlines))
        switch (board, core) {
        case let (board?, core?): return "\(board) (\(core))"
        case let (board?, nil): return board
        case let (nil, core?): return core
        default: return "unknown CPU"
        }
    }
}
