#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One board type: CPU, SIMD features, memory budget, threads, thermal limits and int8 throughput.
public struct FirmwareProfile: Codable, Sendable, Equatable {
    /// File stem and CLI name, e.g. `rpi-4b-2gb`.
    public var id: String
    public var name: String
    /// `aarch64` for every supported board (64-bit OS).
    public var arch: String
    public var soc: String
    public var cpu: CPUDescription
    /// SIMD and ISA features the kernels may use, lower case: `neon`, `dotprod`, `fp16`, `i8mm`, `crc32`, `aes`, `sha2`.
    public var features: [String]
    public var memory: MemoryBudget
    /// Interpreter threads the agent runs with.
    public var threads: Int
    public var thermal: ThermalLimits
    public var throughput: Throughput

    public init(id: String, name: String, arch: String, soc: String, cpu: CPUDescription, features: [String],
                memory: MemoryBudget, threads: Int, thermal: ThermalLimits, throughput: Throughput) {
        self.id = id
        self.name = name
        self.arch = arch
        self.soc = soc
        self.cpu = cpu
        self.features = features
        self.memory = memory
        self.threads = threads
        self.thermal = thermal
        self.throughput = throughput
    }

    /// Decodes a profile and checks that its numbers can drive an estimate.
    public static func decode(_ bytes: some Collection<UInt8>) throws(BundleError) -> FirmwareProfile {
        let profile = try CanonicalJSON.decode(FirmwareProfile.self, from: bytes, "the firmware profile", code: .invalidInput)
        try profile.validate()
        return profile
    }

    /// The profile as indented JSON with sorted keys.
    public func encoded() throws(BundleError) -> [UInt8] { try CanonicalJSON.encodePretty(self, "the firmware profile") }

    /// Refuses a profile whose figures would make an estimate meaningless.
    public func validate() throws(BundleError) {
        func fail(_ reason: String) -> BundleError { BundleError(.invalidInput, "profile '\(id)': \(reason)") }
        guard !id.isEmpty else { throw fail("id is empty") }
        guard cpu.cores >= 1, (1...cpu.cores).contains(threads) else { throw fail("threads must be between 1 and the \(cpu.cores) cores") }
        guard memory.ramBytes > 0, memory.agentBytes > 0, memory.agentBytes <= memory.ramBytes,
              memory.arenaBytes > 0, memory.weightsBytes > 0,
              memory.arenaBytes <= memory.agentBytes, memory.weightsBytes <= memory.agentBytes
        else { throw fail("memory budgets must be positive, arena and weights within the agent budget, the agent within RAM") }
        guard throughput.int8MacsPerSecondPerCore > 0, throughput.int8MacsPerSecondPerCore.isFinite,
              (0...1).contains(throughput.parallelEfficiency), throughput.parallelEfficiency > 0
        else { throw fail("throughput must be positive and parallel efficiency within (0, 1]") }
        guard features.allSatisfy({ $0 == $0.lowercased() }) else { throw fail("feature names are lower case") }
    }

    /// Int8 MAC/s the agent gets with `threads` threads: one full core plus `parallelEfficiency` of each extra one.
    public var effectiveMacsPerSecond: Double {
        throughput.int8MacsPerSecondPerCore * (1 + Double(threads - 1) * throughput.parallelEfficiency)
    }

    /// Estimated seconds per inference for `macs` multiply-accumulates.
    public func estimatedLatencySeconds(macs: Int) -> Double { Double(macs) / effectiveMacsPerSecond }
}
