import Collector
import FleetProtocol
import Foundation
import XCTest

/// The learning role of the store contract: content-addressed samples, immutable snapshots, retention that keeps what
/// a snapshot references, labelled captures, the training queue's compare-and-set.
extension StoreContract {
    func sample(_ values: [Float], label: String?, at time: Int64) -> DatasetSample {
        DatasetSample(model: "m", dtype: "float32", shape: [1, values.count], columns: values.indices.map { "f\($0)" },
                      bytes: DatasetSample.float32Bytes(values), label: label, source: "import", capturedAt: time)
    }

    func samplesAreStoredOnceByContentAndSnapshotsAreImmutable() async throws {
        let store = try await open()
        let samples = (0..<12).map { sample([Float($0), 1], label: $0 % 2 == 0 ? "a" : "b", at: now) }
        var added = try await store.putSamples(samples)
        XCTAssertEqual(added, 12)
        added = try await store.putSamples([sample([0, 1], label: "b", at: now)])
        XCTAssertEqual(added, 0, "the same features are the same sample")
        let relabelled = try await store.samples(hashes: [samples[0].hash])
        XCTAssertEqual(relabelled.first?.label, "b", "a new label replaces the old one; the bytes stay")
        XCTAssertEqual(relabelled.first?.bytes, samples[0].bytes)
        let imported = try await store.importedSamples(model: "m", from: nil, to: nil)
        XCTAssertEqual(imported.count, 12)

        let members = samples.map { SnapshotMember(sampleHash: $0.hash, label: $0.label ?? "", split: SnapshotSplit.assign(hash: $0.hash, validationPercent: 25)) }
        let filter = SnapshotFilter(model: "m", validationPercent: 25)
        let snapshot = DatasetSnapshot(model: "m", dtype: "float32", shape: [1, 2], columns: ["f0", "f1"], validationPercent: 25, members: members,
                                       createdAt: now, createdBy: "test", filter: filter, cause: "drift:7")
        let stored = try await store.insert(snapshot)
        XCTAssertEqual(stored, snapshot)
        let again = DatasetSnapshot(model: "m", dtype: "float32", shape: [1, 2], columns: ["f0", "f1"], validationPercent: 25,
                                    members: members.reversed(), createdAt: now + 5, createdBy: "someone else", filter: filter)
        XCTAssertEqual(again.id, snapshot.id, "the id is the content's, not the order's or the author's")
        let first = try await store.insert(again)
        XCTAssertEqual(first.createdBy, "test", "an identical snapshot is the one first stored")
        let reopened = try await open()
        let read = try await reopened.snapshot(id: snapshot.id)
        XCTAssertEqual(read, snapshot)
        let listed = try await reopened.snapshots(model: "m", limit: 10)
        XCTAssertEqual(listed.map(\.id), [snapshot.id])
        XCTAssertEqual(listed.first?.samples, 12)
        XCTAssertEqual(listed.first?.cause, "drift:7")

        let dangling = DatasetSnapshot(model: "m", dtype: "float32", shape: [1, 2], columns: ["f0", "f1"], validationPercent: 25,
                                       members: [SnapshotMember(sampleHash: String(repeating: "0", count: 64), label: "a", split: .train)],
                                       createdAt: now, createdBy: "test", filter: filter)
        do {
            _ = try await store.insert(dangling)
            XCTFail("a snapshot of samples the store does not hold")
        } catch {
            XCTAssertEqual(error.code, .invalidRequest)
        }
    }

    func retentionKeepsEverySampleASnapshotReferences() async throws {
        let store = try await open()
        let old = now - 40 * 86_400_000
        let kept = sample([1, 2], label: "a", at: old), dropped = sample([3, 4], label: "b", at: old)
        _ = try await store.putSamples([kept, dropped])
        _ = try await store.insert(DatasetSnapshot(model: "m", dtype: "float32", shape: [1, 2], columns: ["f0", "f1"], validationPercent: 0,
                                                   members: [SnapshotMember(sampleHash: kept.hash, label: "a", split: .train)], createdAt: old,
                                                   createdBy: "test", filter: SnapshotFilter(model: "m")))
        let removed = try await store.applyRetention(RetentionPolicy(sampleDays: 30), now: now)
        XCTAssertEqual(removed.samples, 1)
        let left = try await store.samples(hashes: [kept.hash, dropped.hash])
        XCTAssertEqual(left.map(\.hash), [kept.hash], "the referenced sample survives retention")
    }

    func labelledCapturesJoinTheirNewestLabel() async throws {
        let store = try await open()
        let decoder = MessageDecoder(maximumPayloadBytes: 1 << 20)
        let sample = SampleRecord(sampleID: "s-1", bundle: Messages.bundle, reason: .drift, predictedClass: 1, confidence: 0.5, inputs: [], output: [1])
        let unlabelled = SampleRecord(sampleID: "s-2", bundle: Messages.bundle, reason: .drift, predictedClass: 0, confidence: 0.5, inputs: [], output: [1])
        var batch: [IngestMessage] = []
        let payloads: [(UInt64, [UInt8])] = [
            (1, try FleetCodec.encode(sample, device: "d", stream: "s1", seq: 1, head: 1, time: now)),
            (2, try FleetCodec.encode(unlabelled, device: "d", stream: "s1", seq: 2, head: 1, time: now)),
            (3, try FleetCodec.encode(LabelRecord(sampleID: "s-1", label: 1, matched: true, predictedClass: 1, correct: true, bundleDigest: nil),
                                      device: "d", stream: "s1", seq: 3, head: 1, time: now)),
            (4, try FleetCodec.encode(LabelRecord(sampleID: "s-1", label: 2, matched: true, predictedClass: 1, correct: false, bundleDigest: nil),
                                      device: "d", stream: "s1", seq: 4, head: 1, time: now)),
        ]
        for (seq, payload) in payloads {
            guard case .store(let message) = try decoder.decode(topic: "edgefleet/v1/dev/d/samples", payload: payload) else {
                return XCTFail("seq \(seq) not stored")
            }
            batch.append(message)
        }
        _ = try await store.ingest(batch, receivedAt: now)
        let rows = try await store.labelledCaptures(digests: [Messages.bundle.digest], deviceIDs: nil, from: nil, to: nil, limit: 100)
        XCTAssertEqual(rows.map(\.sampleID), ["s-1"], "unlabelled captures are not training data")
        XCTAssertEqual(rows.first?.label, 2, "the newest label wins")
        let none = try await store.labelledCaptures(digests: [Messages.bundle.digest], deviceIDs: ["other"], from: nil, to: nil, limit: 100)
        XCTAssertTrue(none.isEmpty)
    }

    func trainingJobsMoveByCompareAndSet() async throws {
        let store = try await open()
        let job = try await store.insert(TrainingJobRecord(model: "m", snapshotID: "s", kind: "mlp", createdAt: now, createdBy: "test", cause: "drift:3"))
        XCTAssertGreaterThan(job.id, 0)
        let running = try await store.transition(jobID: job.id, from: [.queued], to: .running, progress: 0, message: "started", result: nil, at: now + 1)
        XCTAssertEqual(running?.state, .running)
        let twice = try await store.transition(jobID: job.id, from: [.queued], to: .running, progress: 0, message: nil, result: nil, at: now + 2)
        XCTAssertNil(twice, "a job is claimed once")
        let done = try await store.transition(jobID: job.id, from: [.running], to: .succeeded, progress: 1, message: "ok", result: "2", at: now + 3)
        XCTAssertEqual(done?.result, "2")
        XCTAssertEqual(done?.cause, "drift:3")
        let reopened = try await open()
        let listed = try await reopened.jobs(model: "m", states: [.succeeded], limit: 10)
        XCTAssertEqual(listed.map(\.id), [job.id])
        let queued = try await reopened.jobs(model: nil, states: [.queued], limit: 10)
        XCTAssertTrue(queued.isEmpty)
    }
}
