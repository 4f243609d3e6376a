import Bundles
import Collector
import Drift
import FleetProtocol
import FleetTestSupport
import Foundation
import Gate
import TestSupport
import Training
import XCTest

/// The learning loop through the API on a real collector: CSV import, snapshots and their exports, the gate as the
/// only way to `blessed`, 409 on unblessed assignments, training jobs that end as gate-judged candidates, and the
/// external-trainer hook refusing a worse model and failing cleanly on garbage or a hang.
final class LearningAPITests: XCTestCase {
    static let model = "vibration-monitor"

    /// Labelled vibration-scenario rows as CSV (header of feature names, the condition's name last).
    static func csv(rows count: Int, seed: UInt64, relabel: (Int) -> Int = { $0 }) -> String {
        let (rows, labels) = VibrationBundles.rows(count, seed: seed)
        var text = VibrationScenario().names.joined(separator: ",") + ",condition\n"
        for (row, label) in zip(rows, labels) {
            text += row.map { "\(Float($0))" }.joined(separator: ",") + ",\(VibrationBundles.classes[relabel(label)])\n"
        }
        return text
    }

    func harness(_ configure: @escaping (inout CollectorConfiguration, URL) -> Void = { _, _ in })
        throws -> (CollectorHarness, keysDirectory: URL, keys: Bundles.KeyDirectory) {
        let keysDirectory = try Fixtures.temporaryDirectory("learning-keys")
        let keys = try TestBundles.keys(in: keysDirectory)
        let harness = try CollectorHarness {
            $0.trust = TrustSettings(rootPublicKey: keys.rootPublicKeyPath, trustFiles: [keys.trustPath])
            $0.training.releaseKey = keys.path
            configure(&$0, keysDirectory)
        }
        return (harness, keysDirectory, keys)
    }

    func importCSV(_ harness: CollectorHarness, _ text: String) async throws -> CollectorHarness.HTTPResult {
        try await harness.request("POST", "/api/v1/models/\(Self.model)/samples?source=test", token: CollectorHarness.adminToken,
                                  body: Data(text.utf8), headers: ["Content-Type": "text/csv"])
    }

    func register(_ harness: CollectorHarness, _ bundle: [UInt8]) async throws {
        let result = try await harness.request("POST", "/api/v1/bundles", token: CollectorHarness.adminToken, body: Data(bundle),
                                               headers: ["Content-Type": "application/octet-stream"])
        XCTAssertEqual(result.status, 201, result.text)
    }

    func events(_ harness: CollectorHarness) async throws -> [[String: Any]] {
        try await harness.get("/api/v1/events?model=\(Self.model)&limit=1000").json()["events"] as? [[String: Any]] ?? []
    }

    func testImportSnapshotExportAndOnlyTheGateBlesses() async throws {
        let (harness, keysDirectory, keys) = try harness()
        defer { try? FileManager.default.removeItem(at: keysDirectory) }
        try await harness.start()
        try await register(harness, try VibrationBundles.bundle(keys: keys, model: try VibrationBundles.model()))

        let text = Self.csv(rows: 400, seed: 21)
        var result = try await importCSV(harness, text)
        XCTAssertEqual(result.status, 201, result.text)
        XCTAssertEqual(try result.json()["added"] as? Int, 400)
        result = try await importCSV(harness, text)
        XCTAssertEqual(try result.json()["duplicates"] as? Int, 400, "content-addressed: the same rows are stored once")
        result = try await importCSV(harness, text.replacingOccurrences(of: "\n", with: "\n1,2,x,4,5,6,7,8,normal\n", options: [], range: text.range(of: "\n")))
        XCTAssertEqual(result.status, 400)
        XCTAssertTrue(result.text.contains("line 2"), result.text)
        XCTAssertTrue(result.text.contains("not a number"), result.text)
        result = try await importCSV(harness, "a,b,label\n1,nan,x\n")
        XCTAssertEqual(result.status, 400, "NaN features are refused: \(result.text)")
        result = try await harness.request("POST", "/api/v1/models/\(Self.model)/samples", token: CollectorHarness.readToken,
                                           body: Data(text.utf8), headers: ["Content-Type": "text/csv"])
        XCTAssertEqual(result.status, 403)

        result = try await harness.send("POST", "/api/v1/models/\(Self.model)/snapshots", json: ["validationPercent": 25, "cause": "test"])
        XCTAssertEqual(result.status, 201, result.text)
        let snapshot = try result.json()
        let id = try XCTUnwrap(snapshot["id"] as? String)
        XCTAssertEqual(id.count, 64)
        XCTAssertEqual(snapshot["samples"] as? Int, 400)
        let validation = try XCTUnwrap(snapshot["validationSamples"] as? Int)
        XCTAssertTrue((60...140).contains(validation), "about a quarter held out by hash: \(validation)")
        result = try await harness.send("POST", "/api/v1/models/\(Self.model)/snapshots", json: ["validationPercent": 25])
        XCTAssertEqual(try result.json()["id"] as? String, id, "the same selection is the same snapshot")
        result = try await harness.send("POST", "/api/v1/models/\(Self.model)/snapshots", json: ["devices": ["nobody"]])
        XCTAssertEqual(result.status, 400, "a filter that selects nothing says so: \(result.text)")
        XCTAssertTrue(result.text.contains("no labelled samples"), result.text)
        result = try await harness.send("POST", "/api/v1/models/other/snapshots", json: [:])
        XCTAssertEqual(result.status, 400)

        result = try await harness.request("GET", "/api/v1/snapshots/\(id)/export?format=csv&split=train", headers: ["Accept": "text/csv"])
        XCTAssertEqual(result.status, 200, result.text)
        let lines = result.text.split(separator: "\n")
        XCTAssertEqual(lines.first, Substring(VibrationScenario().names.joined(separator: ",") + ",label"))
        XCTAssertEqual(lines.count - 1, 400 - validation)
        // The export parses as the trainer's CSV with the same numbers.
        let exported = try Dataset(csv: result.text, source: "export")
        XCTAssertEqual(exported.rowCount, 400 - validation)
        // Training on the snapshot in the collector and on its export gives the same model (same seed).
        let record = try await harness.collector.datasets.snapshot(id: id)
        let direct = try await harness.collector.datasets.dataset(record, split: .train)
        let configuration = TrainingConfiguration(hiddenLayers: [8], maxEpochs: 5, seed: 3)
        XCTAssertEqual(try TrainingPipeline.run(direct, configuration: configuration, testEvery: 0).modelBytes,
                       try TrainingPipeline.run(exported, configuration: configuration, testEvery: 0).modelBytes)
        result = try await harness.request("GET", "/api/v1/snapshots/\(id)/export?format=tensors", headers: ["Accept": "application/octet-stream"])
        XCTAssertEqual(result.status, 200)
        let newline = try XCTUnwrap(result.body.firstIndex(of: 0x0A))
        let header = try XCTUnwrap(try JSONSerialization.jsonObject(with: result.body[..<newline]) as? [String: Any])
        XCTAssertEqual(header["schema"] as? String, "edgefleet.tensors.v1")
        XCTAssertEqual(header["count"] as? Int, 400)
        XCTAssertEqual(result.body.count - newline - 1, 400 * 8 * 4, "400 samples of eight float32 features")
        result = try await harness.get("/api/v1/snapshots/\(String(repeating: "0", count: 64))")
        XCTAssertEqual(result.status, 404)
        let listed = try await harness.get("/api/v1/models/\(Self.model)/snapshots").json()["snapshots"] as? [[String: Any]]
        XCTAssertEqual(listed?.compactMap { $0["id"] as? String }, [id])

        // Nothing is blessed before the gate has run, and an unblessed version cannot be assigned.
        result = try await harness.send("POST", "/api/v1/devices/pi-1/assignments", json: ["model": Self.model, "version": "1"])
        XCTAssertEqual(result.status, 409, result.text)
        XCTAssertTrue(result.text.contains("not blessed"), result.text)
        // The default policy refuses this model: int8 and float agree on 82 of 84 rows, below 0.98 (the gate doing its
        // job); the request's policy allows 0.95.
        result = try await harness.send("POST", "/api/v1/models/\(Self.model)/versions/1/evaluation", json: ["snapshot": id],
                                        token: CollectorHarness.gateToken)
        XCTAssertEqual(result.status, 200, result.text)
        XCTAssertEqual(try result.json()["blessed"] as? Bool, false)
        XCTAssertTrue((try result.json()["reasons"] as? [String] ?? []).contains { $0.contains("int8 and float") }, result.text)
        result = try await harness.send("POST", "/api/v1/devices/pi-1/assignments", json: ["model": Self.model, "version": "1"])
        XCTAssertEqual(result.status, 409)
        XCTAssertTrue(result.text.contains("int8 and float"), "the 409 carries the gate's reasons: \(result.text)")
        result = try await harness.send("POST", "/api/v1/models/\(Self.model)/versions/1/evaluation", json: ["snapshot": id, "policy": ["minInt8FloatAgreementt": 0.95]],
                                        token: CollectorHarness.gateToken)
        XCTAssertEqual(result.status, 400, "a misspelt policy field is refused")
        result = try await harness.send("POST", "/api/v1/models/\(Self.model)/versions/1/evaluation", json: ["snapshot": id, "policy": ["minInt8FloatAgreement": 0.95]],
                                        token: CollectorHarness.gateToken)
        XCTAssertEqual(result.status, 200, result.text)
        let evaluation = try result.json()
        let report = try XCTUnwrap(evaluation["report"] as? [String: Any])
        XCTAssertEqual(report["schema"] as? String, "edgefleet.gate.v1")
        XCTAssertEqual(report["heldOutRows"] as? Int, validation, "judged on the snapshot's validation split")
        let checks = report["checks"] as? [[String: Any]] ?? []
        XCTAssertEqual(checks.first { $0["id"] as? String == "regression_accuracy" }?["status"] as? String, "notApplicable",
                       "a first version has no champion: not applicable, not passed")
        XCTAssertEqual(evaluation["blessed"] as? Bool, true, "\(evaluation["reasons"] ?? "")")
        let version = try await harness.get("/api/v1/models/\(Self.model)/versions/1").json()
        XCTAssertEqual(version["blessed"] as? Bool, true)
        XCTAssertEqual(version["blessedBy"] as? String, "evaluation-gate")
        let stored = try await harness.get("/api/v1/models/\(Self.model)/versions/1/evaluation").json()["evaluations"] as? [[String: Any]]
        XCTAssertEqual(stored?.map { $0["blessed"] as? Bool }, [true, false], "every report is kept, newest first")
        result = try await harness.send("POST", "/api/v1/devices/pi-1/assignments", json: ["model": Self.model, "version": "1"])
        XCTAssertNotEqual(result.status, 409, "a blessed version passes the check: \(result.text)")

        let names = try await events(harness).compactMap { $0["name"] as? String }
        XCTAssertTrue(Set(names).isSuperset(of: ["dataset.imported", "dataset.snapshot.created", "gate.blessed"]), "\(names)")
        let blessedEvent = try await events(harness).first { $0["name"] as? String == "gate.blessed" }
        let details = blessedEvent?["details"] as? [String: String]
        XCTAssertEqual(details?["snapshot"], id)
        XCTAssertEqual(details?["evaluation"], "\(evaluation["id"] as? Int ?? -1)")

        let page = try await harness.get("/models/\(Self.model)")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("gate: blessed (evaluation 2"), "the dashboard shows the gate's latest verdict")
        XCTAssertTrue(page.text.contains("<td>int8_float_agreement</td><td>passed</td>"), "and the checks of its report")
        await harness.stop()
    }

    func testTrainingJobsEndAsGateJudgedCandidatesAndTheExternalHookIsGuarded() async throws {
        let work = try Fixtures.temporaryDirectory("learning-external")
        defer { try? FileManager.default.removeItem(at: work) }
        // A deliberately worse model: trained on labels shifted to the wrong condition.
        let worse = try Dataset(csv: Self.csv(rows: 400, seed: 5, relabel: { ($0 + 1) % 4 }), source: "worse")
        try Data(try TrainingPipeline.run(worse, configuration: TrainingConfiguration(hiddenLayers: [8], maxEpochs: 20, seed: 1), testEvery: 0)
            .modelBytes).write(to: work.appendingPathComponent("worse.tflite"))
        let script = work.appendingPathComponent("trainer.sh")
        try Data("""
            #!/bin/sh
            case "$(cat '\(work.path)/mode')" in
              worse) cp '\(work.path)/worse.tflite' "$2" ;;
              garbage) echo "this is not a model" > "$2" ;;
              hang) exec sleep 30 ;;
            esac
            """.utf8).write(to: script)
        chmod(script.path, 0o755)
        func mode(_ text: String) throws { try Data(text.utf8).write(to: work.appendingPathComponent("mode")) }

        let (harness, keysDirectory, keys) = try harness { configuration, _ in
            configuration.training.externalTrainer = [script.path]
            configuration.training.externalTrainerTimeoutSeconds = 2
            configuration.training.gatePolicy = GatePolicy(maxRegression: 0.05, minInt8FloatAgreement: 0.95)
        }
        defer { try? FileManager.default.removeItem(at: keysDirectory) }
        try await harness.start()
        try await register(harness, try VibrationBundles.bundle(keys: keys, model: try VibrationBundles.model()))
        _ = try await importCSV(harness, Self.csv(rows: 600, seed: 21))
        let created = try await harness.send("POST", "/api/v1/models/\(Self.model)/snapshots", json: [:])
        let id = try XCTUnwrap(try created.json()["id"] as? String, created.text)

        func job(_ body: [String: Any]) async throws -> [String: Any] {
            var body = body
            body["snapshot"] = id
            let queued = try await harness.send("POST", "/api/v1/training/jobs", json: body)
            XCTAssertEqual(queued.status, 201, queued.text)
            let jobID = try XCTUnwrap(try queued.json()["id"] as? Int)
            var final: [String: Any] = [:]
            try await eventually("job \(jobID) ends", timeout: 60) {
                final = try await harness.get("/api/v1/training/jobs/\(jobID)").json()
                return ["succeeded", "failed", "cancelled"].contains(final["state"] as? String ?? "")
            }
            return final
        }

        let trained = try await job(["kind": "mlp", "options": ["hiddenLayers": [16], "maxEpochs": 60, "seed": 2]])
        XCTAssertEqual(trained["state"] as? String, "succeeded", "\(trained)")
        XCTAssertEqual(trained["result"] as? String, "2")
        let candidate = try await harness.get("/api/v1/models/\(Self.model)/versions/2").json()
        XCTAssertEqual((candidate["lineage"] as? [String: Any])?["datasetSnapshotSHA256"] as? String, id, "the version names its snapshot")
        XCTAssertEqual(candidate["blessed"] as? Bool, true, "\(trained["message"] ?? "")")
        let chain = try await events(harness)
        let jobID = "\(trained["id"] as? Int ?? -1)"
        for name in ["training.job.queued", "training.job.started", "model.candidate.registered", "training.job.succeeded"] {
            XCTAssertTrue(chain.contains { $0["name"] as? String == name && ($0["details"] as? [String: String])?["job"] == jobID }, "\(name) of job \(jobID)")
        }
        XCTAssertTrue(chain.contains { $0["name"] as? String == "gate.blessed" && ($0["details"] as? [String: String])?["cause"] == "job:\(jobID)" })

        try mode("worse")
        let refused = try await job(["kind": "external"])
        XCTAssertEqual(refused["state"] as? String, "succeeded", "registered, and judged: \(refused)")
        XCTAssertEqual(refused["result"] as? String, "3")
        XCTAssertTrue((refused["message"] as? String ?? "").contains("refused by the gate"), "\(refused)")
        let evaluations = try await harness.get("/api/v1/models/\(Self.model)/versions/3/evaluation").json()["evaluations"] as? [[String: Any]]
        XCTAssertEqual(evaluations?.first?["blessed"] as? Bool, false)
        XCTAssertFalse((evaluations?.first?["reasons"] as? [String] ?? []).isEmpty, "the refusal's reasons are stored")
        let assign = try await harness.send("POST", "/api/v1/devices/pi-1/assignments", json: ["model": Self.model, "version": "3"])
        XCTAssertEqual(assign.status, 409)
        XCTAssertTrue(assign.text.contains("regressed") || assign.text.contains("accuracy"), assign.text)

        try mode("garbage")
        let garbage = try await job(["kind": "external"])
        XCTAssertEqual(garbage["state"] as? String, "failed")
        XCTAssertTrue((garbage["message"] as? String ?? "").contains("not a .tflite model"), "\(garbage)")
        try mode("hang")
        let hung = try await job(["kind": "external"])
        XCTAssertEqual(hung["state"] as? String, "failed")
        XCTAssertTrue((hung["message"] as? String ?? "").contains("longer than"), "\(hung)")
        let versions = try await harness.get("/api/v1/models/\(Self.model)/versions").json()["versions"] as? [[String: Any]]
        XCTAssertEqual(versions?.count, 3, "failed jobs register nothing")
        let failures = try await events(harness).filter { $0["name"] as? String == "training.job.failed" }
        XCTAssertEqual(failures.count, 2, "each failure is in the event stream with its error")
        let health = try await harness.get("/healthz", token: nil)
        XCTAssertEqual(health.status, 200, "the collector keeps serving")
        await harness.stop()
    }

    func testEdgectlDatasetImportsListsShowsAndExports() async throws {
        let (harness, keysDirectory, _) = try harness()
        defer { try? FileManager.default.removeItem(at: keysDirectory) }
        try await harness.start()
        let file = keysDirectory.appendingPathComponent("rows.csv")
        try Data(Self.csv(rows: 120, seed: 4).utf8).write(to: file)
        let url = ["--url", "http://127.0.0.1:\(harness.httpPort)", "--token", CollectorHarness.adminToken]
        var run = try ProductProcess.run("edgectl", ["dataset", "import", "--model", Self.model, "--data", file.path] + url)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("imported 120 rows of \(Self.model): 120 new"), run.stdout)
        run = try ProductProcess.run("edgectl", ["dataset", "snapshot", "--model", Self.model, "--validation-percent", "30", "--json"] + url)
        XCTAssertEqual(run.status, 0, run.stderr)
        let id = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])?["id"] as? String)
        run = try ProductProcess.run("edgectl", ["dataset", "list", "--model", Self.model] + url)
        XCTAssertTrue(run.stdout.hasPrefix(id), run.stdout)
        run = try ProductProcess.run("edgectl", ["dataset", "show", id] + url)
        XCTAssertTrue(run.stdout.contains("samples     120"), run.stdout)
        let out = keysDirectory.appendingPathComponent("export.csv")
        run = try ProductProcess.run("edgectl", ["dataset", "export", id, "--split", "validation", "-o", out.path] + url)
        XCTAssertEqual(run.status, 0, run.stderr)
        let exported = try Dataset(csvFile: out.path)
        XCTAssertGreaterThan(exported.rowCount, 10)
        XCTAssertLessThan(exported.rowCount, 80)
        run = try ProductProcess.run("edgectl", ["dataset", "show", String(repeating: "0", count: 64)] + url)
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("404"), run.stderr)
        run = try ProductProcess.run("edgectl", ["dataset", "list", "--model", Self.model, "--url", "http://127.0.0.1:\(harness.httpPort)"])
        XCTAssertNotEqual(run.status, 0, "no token")
        await harness.stop()
    }

    func testLabelledCapturesOfACohortBecomeASnapshot() async throws {
        let (harness, keysDirectory, keys) = try harness()
        defer { try? FileManager.default.removeItem(at: keysDirectory) }
        try await harness.start()
        try await register(harness, try VibrationBundles.bundle(keys: keys, model: try VibrationBundles.model()))
        let version = try await harness.get("/api/v1/models/\(Self.model)/versions/1").json()
        let bundle = BundleReference(name: Self.model, version: "1.0.0", digest: try XCTUnwrap(version["digest"] as? String), releaseCounter: 1)
        // Device cap-1 captures 12 inputs and gets labels for 11 of them; cap-2 captures 3 (another cohort).
        let (rows, labels) = VibrationBundles.rows(15, seed: 8)
        let decoder = MessageDecoder(maximumPayloadBytes: 1 << 20)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var batch: [IngestMessage] = []
        var seq: [String: UInt64] = [:]
        func add(_ payload: (String, UInt64) throws -> [UInt8], device: String) throws {
            let next = (seq[device] ?? 0) + 1
            seq[device] = next
            guard case .store(let message) = try decoder.decode(topic: "edgefleet/v1/dev/\(device)/samples", payload: try payload(device, next)) else {
                throw CollectorError(.invalidRequest, "not stored")
            }
            batch.append(message)
        }
        for (index, row) in rows.enumerated() {
            let device = index < 12 ? "cap-1" : "cap-2"
            let bytes = DatasetSample.float32Bytes(row.map(Float.init))
            let sample = SampleRecord(sampleID: "s\(index)", bundle: bundle, reason: .lowConfidence, predictedClass: 0, confidence: 0.4,
                                      inputs: [CapturedTensor(dtype: "float32", shape: [1, 8], length: bytes.count, data: try Zlib.compress(bytes))],
                                      output: [0])
            try add({ try FleetCodec.encode(sample, device: $0, stream: "s1", seq: $1, head: 1, time: now) }, device: device)
            guard index != 5 else { continue }
            let label = LabelRecord(sampleID: "s\(index)", label: labels[index], matched: true, predictedClass: 0, correct: labels[index] == 0,
                                    bundleDigest: bundle.digest)
            try add({ try FleetCodec.encode(label, device: $0, stream: "s1", seq: $1, head: 1, time: now) }, device: device)
        }
        _ = try await harness.store.ingest(batch, receivedAt: now)
        _ = try await harness.store.updateLabels(deviceID: "cap-1", tags: ["line-a"], groups: nil)

        var result = try await harness.send("POST", "/api/v1/models/\(Self.model)/snapshots", json: ["tags": ["line-a"], "validationPercent": 0])
        XCTAssertEqual(result.status, 201, result.text)
        XCTAssertEqual(try result.json()["samples"] as? Int, 11, "cap-1's labelled captures only")
        let id = try XCTUnwrap(try result.json()["id"] as? String)
        result = try await harness.request("GET", "/api/v1/snapshots/\(id)/export", headers: ["Accept": "text/csv"])
        let exported = try Dataset(csv: result.text, source: "captures")
        XCTAssertEqual(exported.featureNames, (0..<8).map { "x\($0)" })
        let expected = Set((0..<12).filter { $0 != 5 }.map { rows[$0].map(Float.init) })
        XCTAssertEqual(Set((0..<exported.rowCount).map { Array(exported.row($0)) }), expected, "the captured tensors, inflated, exactly")
        result = try await harness.send("POST", "/api/v1/models/\(Self.model)/snapshots", json: ["devices": ["cap-2"]])
        XCTAssertEqual(result.status, 400, "cap-2 has 3 labelled captures: \(result.text)")
        await harness.stop()
    }

    func testBadSnapshotsAndJobsAreRefusedWithAReason() async throws {
        let (harness, keysDirectory, _) = try harness()
        defer { try? FileManager.default.removeItem(at: keysDirectory) }
        try await harness.start()
        var text = "a,b,label\n"
        for i in 0..<20 { text += "\(i),\(i * 2),only\n" }
        _ = try await importCSV(harness, text)
        var result = try await harness.send("POST", "/api/v1/models/\(Self.model)/snapshots", json: [:])
        XCTAssertEqual(result.status, 400)
        XCTAssertTrue(result.text.contains("two classes"), result.text)
        let few = try await harness.request("POST", "/api/v1/models/tiny/samples", token: CollectorHarness.adminToken,
                                            body: Data("a,label\n1,x\n2,y\n".utf8), headers: ["Content-Type": "text/csv"])
        XCTAssertEqual(few.status, 201)
        result = try await harness.send("POST", "/api/v1/models/tiny/snapshots", json: [:])
        XCTAssertEqual(result.status, 400)
        XCTAssertTrue(result.text.contains("at least 10"), result.text)
        result = try await harness.send("POST", "/api/v1/training/jobs", json: ["snapshot": String(repeating: "1", count: 64)])
        XCTAssertEqual(result.status, 404)
        result = try await harness.send("POST", "/api/v1/training/jobs", json: ["snapshot": "xyz"])
        XCTAssertEqual(result.status, 400)
        await harness.stop()
    }
}
