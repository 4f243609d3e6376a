// swift-tools-version:6.1
// The aarch64 toolchain that builds our dependencies is 6.2.3: keep the tools version and the code within it.
import Foundation
import PackageDescription

/// The CPU the kernels are tuned for in release builds.
///
/// Without a baseline, Swift emits SSE2 on x86-64 and the int8 loops run 3–4× slower. x86-64 builds assume
/// Haswell-class AVX2 (x86-64-v3); aarch64 needs nothing (NEON is baseline; dot-product paths are chosen at
/// run time). Override with EDGEFLEET_TARGET_CPU=<llvm cpu name>, or `none` (cross-builds set it).
let targetCPU: String? = {
    if let value = ProcessInfo.processInfo.environment["EDGEFLEET_TARGET_CPU"] {
        return value == "none" || value.isEmpty ? nil : value
    }
    #if arch(x86_64)
    return "haswell"
    #else
    return nil
    #endif
}()

/// Whether the release baseline has AVX2, so the x86 microkernels (intrinsics) may be compiled in.
let x86AVX2: Bool = {
    let avx2CPUs: Set<String> = [
        "haswell", "broadwell", "skylake", "skylake-avx512", "cascadelake", "icelake-server", "icelake-client",
        "sapphirerapids", "alderlake", "znver1", "znver2", "znver3", "znver4", "znver5",
    ]
    return targetCPU.map { avx2CPUs.contains($0) } ?? false
}()

/// The x86-64 feature level a release `-target-cpu` needs (3: AVX2/FMA/BMI2, 4: AVX-512), for the start-up check
/// in Sources/CDotProduct/BaselineGuard.c that refuses, with a message, a CPU that would otherwise die of SIGILL.
let x86BaselineLevel: Int? = {
    guard x86AVX2, let cpu = targetCPU else { return nil }
    let avx512CPUs: Set<String> = [
        "skylake-avx512", "cascadelake", "icelake-server", "icelake-client", "sapphirerapids", "znver4", "znver5",
    ]
    return avx512CPUs.contains(cpu) ? 4 : 3
}()

/// Hot code (kernels, interpreter) is built without overflow checks in release: the fixed-point
/// arithmetic uses explicit wrapping operators where wrap-around is meant, and bounds are proven at
/// prepare time rather than checked per element.
let hotPathSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
] + (x86AVX2 ? [.define("EDGEFLEET_AVX2", .when(configuration: .release))] : [])

/// Every Swift module is built for the same CPU baseline: the kernels' inlinable code (AVX2 intrinsics
/// included) is inlined into the modules that call it, which must be allowed to use those instructions.
let cpuSettings: [SwiftSetting] = targetCPU.map { [.unsafeFlags(["-target-cpu", $0], .when(configuration: .release))] } ?? []

/// The agent's test hook `EDGE_AGENT_HOLD_AFTER` (kill an update at a known phase) exists only in builds made with
/// EDGEFLEET_TEST_HOOKS=1, which scripts/test.sh exports: tests run on release builds, so the build configuration
/// cannot tell a test build from a shipped one, and a shipped agent must not obey an environment variable that
/// stalls its updates. Any other build (the cross-build, install-agent.sh's binary) leaves the hook out.
let agentTestHooks: [SwiftSetting] = ProcessInfo.processInfo.environment["EDGEFLEET_TEST_HOOKS"] == "1"
    ? [.define("EDGE_AGENT_TEST_HOOKS")] : []

let package = Package(
    name: "EdgeFleet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "edgectl", targets: ["edgectl"]),
        .library(name: "Runtime", targets: ["Runtime"]),
        .library(name: "Bundles", targets: ["Bundles"]),
        .library(name: "MQTT", targets: ["MQTT"]),
        .executable(name: "edge-agent", targets: ["edge-agent"]),
        .library(name: "FleetProtocol", targets: ["FleetProtocol"]),
        .library(name: "Agent", targets: ["Agent"]),
        .executable(name: "edge-collector", targets: ["edge-collector"]),
        .library(name: "Collector", targets: ["Collector"]),
        .library(name: "FleetSim", targets: ["FleetSim"]),
        .library(name: "Drift", targets: ["Drift"]),
        .library(name: "Gate", targets: ["Gate"]),
        .library(name: "FleetSupport", targets: ["FleetSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        // Hummingbird's traits are named here because SwiftPM 6.2 (the aarch64 toolchain) fails to resolve a graph in
        // which one path enables its default `ConfigurationSupport` trait and another (swift-openapi-hummingbird,
        // `traits: []`) disables it: "product 'Configuration' required by … 'HummingbirdTLS' not found"
        // (hummingbird-project/hummingbird#769). The collector reads its own JSON configuration, not
        // swift-configuration, so that trait is off everywhere; `FullFoundation` keeps the default behaviour.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0", traits: ["FullFoundation"]),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.0.0"),
        // The fleet's PKI (`edgectl pki`): X.509 certificates and the CRL's ASN.1, in Swift (no openssl).
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        // Small things shared once: the seeded generator (SplitMix64), AnyCodingKey and unknown-key rejection,
        // durable POSIX file helpers. No dependencies, no Foundation.
        .target(name: "FleetSupport"),
        // Pure fixed-point kernels over buffers and parameter structs. No Foundation.
        .target(name: "Kernels", dependencies: ["CDotProduct"], swiftSettings: hotPathSettings),
        // The aarch64 `sdot` microkernel (ARMv8.2 dot product), chosen at run time from HWCAP; stubs elsewhere.
        .target(
            name: "CDotProduct",
            cSettings: x86BaselineLevel.map { [.define("EDGEFLEET_BASELINE_X86_64_LEVEL", to: String($0), .when(configuration: .release))] } ?? []
        ),
        // Reading (and later writing) .tflite flatbuffers. No Foundation.
        .target(name: "TFLite", swiftSettings: hotPathSettings),
        // The interpreter: op registry, memory planner, arena, invoke. No Foundation.
        .target(name: "Runtime", dependencies: ["Kernels", "TFLite"], swiftSettings: hotPathSettings),

        // Training, post-training quantisation and .tflite export of MLPs and classifier heads. FoundationEssentials only.
        .target(name: "Training", dependencies: ["TFLite", "Runtime", "FleetSupport"], swiftSettings: hotPathSettings),

        // System zlib, wrapped thinly.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Signed model bundles, trust chain, firmware profiles.
        .target(
            name: "Bundles",
            dependencies: [
                "Runtime", "TFLite", "CZlib", "FleetSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // System libmosquitto, wrapped thinly; the MQTT module is its only Swift face.
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .target(
            name: "MQTT",
            dependencies: ["CMosquitto", "FleetSupport", .product(name: "Logging", package: "swift-log")]
        ),

        // Drift statistics on per-bin counts (PSI, Jensen–Shannon, Wasserstein, chi-square, BH), verdicts,
        // attribution and seeded scenarios. Standard library and libm only; used by the collector and edgectl.
        .target(name: "Drift", dependencies: ["FleetSupport"]),

        // The blessing gate: value, change, int8-versus-float and firmware-budget checks of a candidate model
        // (pure; the collector and `edgectl gate` call it). FoundationEssentials-free.
        // Testable in release (the suite runs on the one release build): the tests reach the float shadow directly.
        .target(name: "Gate", dependencies: ["Training", "Bundles", "Runtime", "TFLite"], swiftSettings: [.unsafeFlags(["-enable-testing"])]),

        // The operator's command-line tool.
        .executableTarget(
            name: "edgectl",
            dependencies: [
                "Runtime", "TFLite", "Kernels", "Bundles", "Training", "FleetSim", "Drift", "Gate", "FleetSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // Topics, message types and versioned codecs of the fleet protocol. FoundationEssentials only.
        .target(name: "FleetProtocol"),
        // The edge agent's services: inference loop, telemetry and disk queue, capture, OTA updates, watchdog.
        .target(
            name: "Agent",
            dependencies: [
                "Runtime", "TFLite", "Bundles", "MQTT", "FleetProtocol", "CZlib", "FleetSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: agentTestHooks
        ),
        // The on-device daemon: arguments, logging and metrics bootstrap, the service group.
        .executableTarget(
            name: "edge-agent",
            dependencies: [
                "Agent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // The collector's HTTP API as generated from docs/openapi.yaml (types and server stubs), committed rather than
        // generated by the build plugin: scripts/generate-openapi.sh regenerates it (docs/collector.md).
        .target(
            name: "CollectorAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            exclude: ["openapi-generator-config.yaml", "Generated/openapi.sha256"]
        ),
        // The central service: ingest, storage (SQLite through GRDB, PostgreSQL through postgres-nio), registries, distribution, HTTP API, dashboard.
        .target(
            name: "Collector",
            dependencies: [
                "Bundles", "MQTT", "FleetProtocol", "Drift", "CollectorAPI", "FleetSupport", "Training", "Gate", "TFLite",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                // HTTPS as an option (http.tls): swift-nio-ssl under Hummingbird's TLS channel.
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The dashboard's Mustache templates and stylesheet, loaded through Bundle.module.
            resources: [.copy("Dashboard/Templates")],
            // Testable in release too (scripts/test.sh runs the suite on the one release build): the dashboard's view
            // models and chart helpers are tested directly. The collector is server code, not a hot path.
            swiftSettings: [.unsafeFlags(["-enable-testing"])]
        ),
        // The central daemon: arguments, logging and metrics bootstrap, the service group.
        .executableTarget(
            name: "edge-collector",
            dependencies: [
                "Collector",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Simulated devices speaking the fleet protocol over MQTT, for tests and load (`edgectl fleet-sim`).
        .target(
            name: "FleetSim",
            dependencies: [
                "MQTT", "FleetProtocol", "Drift", "FleetSupport", "Bundles",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Shared by the test targets: fixture paths, seeded randomness, process and broker harnesses.
        .target(name: "TestSupport", dependencies: ["FleetSupport"], path: "Tests/TestSupport"),
        // Signed test bundles of a fixture model, shared by the collector's tests.
        .target(name: "FleetTestSupport", dependencies: ["Bundles", "TestSupport", "Drift", "Training", "TFLite"], path: "Tests/FleetTestSupport"),
        // Test-only malloc interposer: counts heap allocations to prove `invoke` makes none.
        .target(name: "CAllocationCounter", path: "Tests/CAllocationCounter"),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "TestSupport"]),
        .testTarget(name: "TFLiteTests", dependencies: ["TFLite", "TestSupport"]),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "TFLite", "Kernels", "TestSupport", "CAllocationCounter"]),
        .testTarget(name: "BundlesTests", dependencies: ["Bundles", "Runtime", "TFLite", "TestSupport", "FleetSupport"]),
        .testTarget(name: "MQTTTests", dependencies: ["MQTT", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Runtime", "TFLite", "TestSupport"]),
        .testTarget(name: "EdgeCtlTests", dependencies: ["TestSupport"]),
        .testTarget(name: "DriftTests", dependencies: ["Drift", "FleetSupport"]),
        .testTarget(name: "FleetSupportTests", dependencies: ["FleetSupport", "MQTT"]),
        .testTarget(name: "GateTests", dependencies: ["Gate", "Training", "Bundles", "TFLite", "TestSupport"]),
        .testTarget(name: "FleetProtocolTests", dependencies: ["FleetProtocol"]),
        .testTarget(
            name: "AgentTests",
            dependencies: [
                "Agent", "FleetProtocol", "Bundles", "MQTT", "Runtime", "TFLite", "TestSupport", "CAllocationCounter",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CollectorTests",
            dependencies: [
                "Collector", "FleetSim", "FleetProtocol", "Bundles", "MQTT", "TestSupport", "FleetTestSupport", "Training", "Gate",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The acknowledgement protocol as a model: the agent's UplinkLedger and the collector's StreamLedger under
        // seeded random interleavings with a lossy broker, crashes and an adversary.
        .testTarget(name: "ProtocolModelTests", dependencies: ["Agent", "Collector", "FleetSupport"]),
        .testTarget(
            name: "CollectorEndToEndTests",
            dependencies: [
                "FleetSim", "FleetProtocol", "Bundles", "MQTT", "TestSupport", "FleetTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "FleetProtocol", "Bundles", "MQTT", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

/// EDGEFLEET_DEVICE_ONLY=1 (set by the aarch64 cross-build) leaves out the server side — the collector, its
/// tests and its dependencies (Hummingbird, swift-nio, GRDB, swift-mustache, swift-prometheus) — so a device build
/// and its test bundle compile only what runs on a board. The collector runs on the server (x86-64 or arm64 alike)
/// from the full package.
if ProcessInfo.processInfo.environment["EDGEFLEET_DEVICE_ONLY"] == "1" {
    let serverTargets: Set<String> = ["Collector", "CollectorAPI", "edge-collector", "CollectorTests", "CollectorEndToEndTests", "FleetTestSupport",
                                      "ProtocolModelTests"]
    let serverPackages = ["hummingbird", "swift-mustache", "GRDB.swift", "postgres-nio", "swift-prometheus", "swift-openapi-runtime", "swift-openapi-hummingbird"]
    package.targets.removeAll { serverTargets.contains($0.name) }
    package.products.removeAll { product in product.name == "edge-collector" || product.name == "Collector" }
    package.dependencies.removeAll { dependency in
        guard case .sourceControl(_, let location, _) = dependency.kind else { return false }
        return serverPackages.contains { location.hasSuffix("/" + $0) }
    }
}

/// EDGEFLEET_TEST_TARGETS=A,B,… keeps only those test targets (scripts/sanitize.sh builds the suites that make sense under
/// AddressSanitizer without compiling the rest in its own build directory).
if let kept = ProcessInfo.processInfo.environment["EDGEFLEET_TEST_TARGETS"], !kept.isEmpty {
    let names = Set(kept.split(separator: ",").map { String($0) })
    package.targets.removeAll { $0.type == .test && !names.contains($0.name) }
}

/// EDGEFLEET_FUZZ=1 (scripts/fuzz.sh and scripts/test.sh, in their own build directory `.build-fuzz`) adds the libFuzzer
/// targets of Tests/Fuzz (docs/fuzzing.md) and builds every module of this package with `-sanitize=fuzzer,address`:
/// coverage feedback and AddressSanitizer on our code (dependencies stay uninstrumented). The normal build never sees
/// these targets or flags.
if ProcessInfo.processInfo.environment["EDGEFLEET_FUZZ"] == "1" {
    let sanitizers = ["-sanitize=fuzzer,address"]
    for target in package.targets where target.type != .system && target.type != .test && !target.name.hasPrefix("C") {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(sanitizers)]
    }
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("tflite", ["TFLite", "Runtime"]),
        ("bundle", ["Bundles"]),
        ("csv", ["Training", "Bundles", "Drift"]),
        ("telemetry", ["Collector", "FleetProtocol"]),
        ("ingest", ["Collector", "FleetProtocol", "Bundles"]),
    ]
    package.targets.append(.target(name: "CFuzzing", path: "Tests/Fuzz/CFuzzing"))
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["CFuzzing"], path: "Tests/Fuzz/FuzzSupport",
                                   swiftSettings: [.unsafeFlags(sanitizers)]))
    // The collector's targets need the full package (without EDGEFLEET_DEVICE_ONLY).
    let hasCollector = package.targets.contains { $0.name == "Collector" }
    for (name, dependencies) in fuzzTargets where hasCollector || !["telemetry", "ingest"].contains(name) {
        package.targets.append(.executableTarget(
            name: "fuzz-\(name)", dependencies: dependencies + ["FuzzSupport"], path: "Tests/Fuzz/Targets/\(name)",
            swiftSettings: [.unsafeFlags(sanitizers)],
            // GNU ld: gold stops with an internal error when libFuzzer's own `main` meets ours (SwiftPM's renamed entry point).
            linkerSettings: [.unsafeFlags(sanitizers + ["-use-ld=bfd"])]))
        package.products.append(.executable(name: "fuzz-\(name)", targets: ["fuzz-\(name)"]))
    }
}

for target in package.targets where target.type != .system && !target.name.hasPrefix("C") {
    target.swiftSettings = (target.swiftSettings ?? []) + cpuSettings
}
