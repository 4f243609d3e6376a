import Bundles

#if canImport(Glibc)
import Glibc
#endif

/// `fuzz-bundle --write-seeds DIR CONFORMANCE_MODEL_DIR`: writes the seed corpus (a bundle signed by ``FuzzTrust``'s
/// release key, its trust file, and each section alone), so the committed seeds can be regenerated when the format
/// changes. Each seed starts with the mode byte the target reads.
enum SeedWriter {
    static func write(to directory: String, model folder: String) throws {
        let model = try FileIO.read("\(folder)/model.tflite")
        let analysis = try ModelAnalyzer.analyze(model)
        let classes = analysis.outputs[0].shape.last ?? 1
        var csv = "energy,peak,prediction\n"
        for row in 0..<24 { csv += "\(Double(row) * 0.25),\(Double(row % 7) - 3),\(row % classes)\n" }
        let table = try BaselineTable(csv: Array(csv.utf8))
        let baseline = try DriftBaseline.build(table: table, featureColumns: ["energy", "peak"],
                                               predictions: try table.numbers(in: "prediction").map { Int($0) }, classCount: classes,
                                               predictionSource: "column", bins: 4)
        let golden = try GoldenSet.load(directory: folder, inputCount: analysis.inputs.count, outputCount: analysis.outputs.count,
                                        limit: 1, reference: nil)
        let metadata = BundleMetadata(
            name: "fuzz-seed", version: "1.0.0", releaseCounter: 3, createdAt: FuzzTrust.issuedAt, preprocessing: "none",
            lineage: Lineage(datasetSnapshotSHA256: String(repeating: "ab", count: 32), codeVersion: "git:fuzz",
                             evaluation: EvaluationReport(metrics: ["accuracy": 0.5])))
        let file = try BundleBuilder.assemble(modelBytes: model, metadata: metadata, labels: [], analysis: analysis,
                                              baseline: baseline, golden: golden)
        let signed = try file.signed(with: FuzzTrust.release).encoded()
        // The seeds must pass every check, so mutations start from the deepest path.
        _ = try FuzzTrust.verifier.verify(signed)
        _ = try FuzzTrust.profiledVerifier.verify(signed)
        _ = try FuzzTrust.clocklessVerifier.verify(signed)
        let seeds: [(String, [UInt8])] = [
            ("bundle-verify", [BundleMode.verify.rawValue] + signed),
            ("bundle-resign", [BundleMode.resignAndVerify.rawValue] + file.encoded()),
            ("bundle-profile", [BundleMode.verifyWithProfile.rawValue] + signed),
            ("bundle-clockless", [BundleMode.verifyWithoutClock.rawValue] + signed),
            ("profile", [BundleMode.profile.rawValue] + Array(try FileIO.read("\(folder)/../../../../firmware-profiles/rpi-5-4gb.json"))),
            ("trust-file", [BundleMode.trustFile.rawValue] + (try FuzzTrust.trustFile.encoded())),
            ("manifest", [BundleMode.manifest.rawValue] + Array(file.manifestBytes)),
            ("baseline", [BundleMode.baseline.rawValue] + Array(file.baselineBytes)),
            ("golden", [BundleMode.golden.rawValue] + Array(file.goldenBytes)),
            ("zlib", [BundleMode.inflate.rawValue, UInt8(model.count >> 8 & 0xFF), UInt8(model.count & 0xFF)] + Array(file.compressedPayload)),
        ]
        for (name, bytes) in seeds { try FileIO.writeAtomically("\(directory)/\(name)", bytes) }
    }
}
