import Bundles
@testable import Collector
import FleetTestSupport
import Foundation
import Runtime
import TestSupport
import TFLite
import Training
import XCTest

/// Classifier-head retraining in the collector: a `head` job keeps the champion's int8 backbone (the kws model) and
/// trains a new FULLY_CONNECTED + SOFTMAX on its embedding from a snapshot of backbone inputs.
final class HeadTrainingTests: XCTestCase {
    static let model = "keyword-spotter"
    static let embedding = "functional_1/flatten/Reshape"

    /// Random kws inputs as real values, labelled by which half of the embedding has the larger sum (a rule a linear head
    /// can learn), as a CSV the collector imports.
    func csv(rows: Int) throws -> String {
        let backbone = try Model(bytes: Fixtures.bytes("kws_ref_model/model.tflite"))
        let retrainer = try HeadRetrainer(backbone: backbone, embedding: .name(Self.embedding))
        let info = try Interpreter(model: backbone).inputs[0]
        let count = info.shape.reduce(1, *)
        var g = SeededGenerator(seed: 5)
        var x: [Float] = []
        for _ in 0..<(rows * count) { x.append(info.scale * Float(Int32(Int8.random(in: -128...127, using: &g)) - info.zeroPoint)) }
        let names = (0..<count).map { "x\($0)" }
        let e = try retrainer.embeddings(Dataset(featureNames: names, features: x, labels: [Int](repeating: 0, count: rows), classNames: ["0"]))
        let d = retrainer.embeddingSize
        let score = (0..<rows).map { r in e.row(r)[(r * d)..<(r * d + d / 2)].reduce(0, +) - e.row(r)[(r * d + d / 2)..<(r * d + d)].reduce(0, +) }
        let median = score.sorted()[rows / 2]
        var text = names.joined(separator: ",") + ",label\n"
        for r in 0..<rows {
            text += x[(r * count)..<((r + 1) * count)].map { "\($0)" }.joined(separator: ",") + (score[r] >= median ? ",high\n" : ",low\n")
        }
        return text
    }

    func testAHeadJobRetrainsOnTheChampionsBackbone() async throws {
        let keysDirectory = try Fixtures.temporaryDirectory("head-keys")
        defer { try? FileManager.default.removeItem(at: keysDirectory) }
        let keys = try TestBundles.keys(in: keysDirectory)
        let harness = try CollectorHarness {
            $0.trust = TrustSettings(rootPublicKey: keys.rootPublicKeyPath, trustFiles: [keys.trustPath])
            $0.training.releaseKey = keys.path
        }
        try await harness.start()
        defer { Task { await harness.stop() } }
        var result = try await harness.request("POST", "/api/v1/bundles", token: CollectorHarness.adminToken,
                                               body: Data(try TestBundles.bundle(keys: keys, name: Self.model, version: "1.0.0", release: 1)),
                                               headers: ["Content-Type": "application/octet-stream"])
        XCTAssertEqual(result.status, 201, result.text)
        result = try await harness.send("PUT", "/api/v1/models/\(Self.model)/aliases/champion", json: ["release": 1])
        XCTAssertEqual(result.status, 200, result.text)
        result = try await harness.request("POST", "/api/v1/models/\(Self.model)/samples?source=test", token: CollectorHarness.adminToken,
                                           body: Data(try csv(rows: 300).utf8), headers: ["Content-Type": "text/csv"])
        XCTAssertEqual(result.status, 201, String(result.text.prefix(300)))
        result = try await harness.send("POST", "/api/v1/models/\(Self.model)/snapshots", json: ["validationPercent": 20])
        XCTAssertEqual(result.status, 201, result.text)
        let snapshot = try XCTUnwrap(try result.json()["id"] as? String)

        result = try await harness.send("POST", "/api/v1/training/jobs", json: ["snapshot": snapshot, "kind": "head"])
        XCTAssertEqual(result.status, 201, result.text)
        var job = try result.json()
        try await eventually("the job without an embedding fails with the reason", timeout: 60) {
            job = try await harness.get("/api/v1/training/jobs/\(job["id"] ?? "none")").json()
            return job["state"] as? String == "failed"
        }
        XCTAssertTrue((job["message"] as? String ?? "").contains("options.embeddingTensor"), "\(job)")

        result = try await harness.send("POST", "/api/v1/training/jobs", json: [
            "snapshot": snapshot, "kind": "head", "options": ["embeddingTensor": Self.embedding, "maxEpochs": 120, "seed": 1],
        ])
        XCTAssertEqual(result.status, 201, result.text)
        job = try result.json()
        try await eventually("the head job registers a candidate", timeout: 120) {
            job = try await harness.get("/api/v1/training/jobs/\(job["id"] ?? "none")").json()
            return ["succeeded", "failed"].contains(job["state"] as? String ?? "")
        }
        XCTAssertEqual(job["state"] as? String, "succeeded", "\(job)")
        let release = try XCTUnwrap((job["result"] as? String).flatMap(UInt64.init))
        XCTAssertEqual(release, 2)
        let version = try await harness.store.version(model: Self.model, release: 2)
        let digest = try XCTUnwrap(version?.digest)
        let file = try BundleFile(parsing: try harness.collector.registry.repository.read(digest))
        let candidate = try Model(bytes: try Zlib.inflate(Array(file.compressedPayload), expectedLength: try file.unverifiedManifest().payload.length))
        let backbone = try Model(bytes: Fixtures.bytes("kws_ref_model/model.tflite"))
        let kept = backbone.mainGraph.operators.prefix(backbone.mainGraph.operators.count - 2).map(\.name)
        XCTAssertEqual(Array(candidate.mainGraph.operators.map(\.name).prefix(kept.count)), kept, "the backbone is kept as it is")
        XCTAssertEqual(candidate.mainGraph.operators.suffix(2).map(\.name), ["FULLY_CONNECTED", "SOFTMAX"])
        let outputs = candidate.mainGraph.outputs.map { candidate.mainGraph.tensors[$0].shape }
        XCTAssertEqual(outputs.first?.last, 2, "two classes: high and low")
    }

    /// A run whose loss stops being finite (a learning rate of 1e30) ends the job failed with the trainer's reason; the
    /// collector keeps serving and registers nothing.
    func testADivergingRunFailsTheJobWithItsReason() async throws {
        let keysDirectory = try Fixtures.temporaryDirectory("diverge-keys")
        defer { try? FileManager.default.removeItem(at: keysDirectory) }
        let keys = try TestBundles.keys(in: keysDirectory)
        let harness = try CollectorHarness {
            $0.trust = TrustSettings(rootPublicKey: keys.rootPublicKeyPath, trustFiles: [keys.trustPath])
            $0.training.releaseKey = keys.path
        }
        try await harness.start()
        defer { Task { await harness.stop() } }
        let (rows, labels) = VibrationBundles.rows(400, seed: 9)
        var text = "a,b,c,d,e,f,g,h,condition\n"
        for (row, label) in zip(rows, labels) { text += row.map { "\(Float($0) * 1e6)" }.joined(separator: ",") + ",\(VibrationBundles.classes[label])\n" }
        var result = try await harness.request("POST", "/api/v1/models/vib/samples?source=test", token: CollectorHarness.adminToken,
                                               body: Data(text.utf8), headers: ["Content-Type": "text/csv"])
        XCTAssertEqual(result.status, 201, String(result.text.prefix(300)))
        result = try await harness.send("POST", "/api/v1/models/vib/snapshots", json: ["validationPercent": 20])
        XCTAssertEqual(result.status, 201, result.text)
        let snapshot = try XCTUnwrap(try result.json()["id"] as? String)
        result = try await harness.send("POST", "/api/v1/training/jobs", json: [
            "snapshot": snapshot, "kind": "mlp", "options": ["learningRate": 1e30, "maxEpochs": 20, "seed": 1],
        ])
        XCTAssertEqual(result.status, 201, result.text)
        var job = try result.json()
        try await eventually("the diverging job ends", timeout: 120) {
            job = try await harness.get("/api/v1/training/jobs/\(job["id"] ?? "none")").json()
            return ["succeeded", "failed"].contains(job["state"] as? String ?? "")
        }
        XCTAssertEqual(job["state"] as? String, "failed", "\(job)")
        XCTAssertTrue((job["message"] as? String ?? "").lowercased().contains("diverg"), "\(job)")
        let versions = try await harness.store.versions(model: "vib")
        XCTAssertTrue(versions.isEmpty, "nothing registered")
        let health = try await harness.get("/healthz")
        XCTAssertEqual(health.status, 200)
    }
}
