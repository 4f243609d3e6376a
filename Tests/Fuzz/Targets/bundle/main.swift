import Bundles
import FuzzSupport

#if canImport(Glibc)
import Glibc
#endif

// Fuzz target: the bundle container parser, the verifier and every section decoder (docs/fuzzing.md).
//
// Input: one mode byte (BundleMode), then the bytes for that mode. Every path must accept or throw BundleError.
// `fuzz-bundle --write-seeds DIR MODEL_DIR` regenerates the seed corpus instead of fuzzing.
let arguments = CommandLine.arguments
if arguments.count == 4, arguments[1] == "--write-seeds" {
    do { try SeedWriter.write(to: arguments[2], model: arguments[3]) } catch { fatalError("cannot write seeds: \(error)") }
    exit(0)
}

/// The schema golden cases are checked against: that of the seed model (opzoo_elementwise, two int8 inputs of 16
/// values and two int8 outputs of 4), so the golden seed decodes and mutations explore from a valid set.
let goldenInputs = [TensorSchema(name: "serving_default_keras_tensor_15:0", shape: [1, 16], dtype: "int8", scale: 0.020877782, zeroPoint: -2),
                    TensorSchema(name: "serving_default_keras_tensor_14:0", shape: [1, 16], dtype: "int8", scale: 0.028375655, zeroPoint: -20)]
let goldenOutputs = [TensorSchema(name: "StatefulPartitionedCall_1:1", shape: [1, 4], dtype: "int8", scale: 0.00390625, zeroPoint: -128),
                     TensorSchema(name: "StatefulPartitionedCall_1:0", shape: [1, 4], dtype: "int8", scale: 0.00390625, zeroPoint: -128)]

FuzzDriver.run { input in
    guard let first = input.first else { return }
    let mode = BundleMode.allCases[Int(first) % BundleMode.allCases.count]
    let bytes = Array(input.dropFirst())
    switch mode {
    case .verify:
        _ = try? FuzzTrust.verifier.verify(bytes)
    case .resignAndVerify:
        guard let file = try? BundleFile(parsing: bytes) else { return }
        let unsigned = BundleFile(manifestBytes: Array(file.manifestBytes), signatures: [], baselineBytes: Array(file.baselineBytes),
                                  goldenBytes: Array(file.goldenBytes), compressedPayload: Array(file.compressedPayload))
        guard let signed = try? unsigned.signed(with: FuzzTrust.release) else { return }
        _ = try? FuzzTrust.verifier.verify(signed)
        _ = try? FuzzTrust.profiledVerifier.verify(signed)
    case .verifyWithProfile:
        _ = try? FuzzTrust.profiledVerifier.verify(bytes)
    case .verifyWithoutClock:
        _ = try? FuzzTrust.clocklessVerifier.verify(bytes)
    case .trustFile:
        guard let file = try? TrustFile(parsing: bytes) else { return }
        var store = FuzzTrust.store
        _ = try? store.accept(file)
    case .manifest:
        guard let manifest = try? BundleManifest.decode(bytes) else { return }
        _ = try? manifest.validate()
    case .baseline:
        _ = try? DriftBaseline.decode(bytes)
    case .golden:
        _ = try? GoldenSet.decode(bytes, inputs: goldenInputs, outputs: goldenOutputs)
    case .inflate:
        // The expected length comes from the input too (its first two bytes), as a manifest would state it.
        let expected = bytes.count >= 2 ? Int(bytes[0]) << 8 | Int(bytes[1]) : 0
        _ = try? Zlib.inflate(Array(bytes.dropFirst(2)), expectedLength: expected)
    case .profile:
        _ = try? FirmwareProfile.decode(bytes)
    }
}
