import FleetProtocol
import Foundation
import XCTest

/// Issue 17's slow-retrieval and endless-data attacks, with a real agent and a real broker: the test collector
/// answers the agent's chunk requests as a hostile source would — slowly, not at all, or with more than the
/// assignment announced. Each time the update fails with its reason, the partial download is removed and never
/// grew past the announced size, and the old model keeps serving (its telemetry keeps arriving).
final class DownloadLimitsEndToEndTests: XCTestCase {
    private let chunkSize = 4096

    /// The agent on kws 1.0.0 with short download limits (`update` is given v2's size); returns the world, v1's
    /// digest and v2's bytes.
    private func world(update: (Int) -> [String: Any]) async throws -> (AgentWorld, String, [UInt8]) {
        let world = try await AgentWorld(self)
        let v1 = try world.bundle(version: "1.0.0", counter: 1)
        let v2 = try world.bundle(version: "2.0.0", counter: 2)
        var settings: [String: Any] = ["chunkTimeoutSeconds": 0.5]
        settings.merge(update(v2.count)) { $1 }
        try world.startAgent(try world.configuration(initialBundle: try world.write(v1, "v1.efb"), extra: ["update": settings]))
        await eventually("the agent is connected\n\(world.logs)") { world.collector.births(world.device).count >= 1 }
        return (world, sha256Hex(v1), v2)
    }

    /// Assigns `bytes` (as announced) and waits for the update to end; returns the failure's reason.
    private func assignAndWaitForFailure(_ world: AgentWorld, _ bytes: [UInt8], id: String, serving: String,
                                         file: StaticString = #filePath, line: UInt = #line) async throws -> ErrorInfo? {
        let digest = sha256Hex(bytes)
        world.collector.serve(bytes, as: digest)
        try await world.collector.send(.assign(Assignment(assignmentID: id, name: "kws", version: "2.0.0", digest: digest, size: bytes.count,
                                                          chunkSize: chunkSize)), to: world.device)
        await eventually("update \(id) ends\n\(world.logs)", timeout: .seconds(60), file: file, line: line) {
            world.collector.phases(id).contains { $0.isTerminal }
        }
        XCTAssertEqual(world.collector.phases(id), [.downloading, .failed], "\(world.logs)", file: file, line: line)
        let failed = world.collector.updates.last { $0.assignmentID == id && $0.phase == .failed }
        XCTAssertEqual(failed?.serving?.digest, serving, "the failure reports the model that still serves", file: file, line: line)
        return world.collector.events.last { $0.update?.assignmentID == id && $0.update?.phase == .failed }?.error
    }

    /// The partial download is gone, v1 is still active and its telemetry keeps arriving.
    private func assertTheOldModelServes(_ world: AgentWorld, _ v1Digest: String, file: StaticString = #filePath, line: UInt = #line) async {
        let downloads = (try? FileManager.default.contentsOfDirectory(atPath: "\(world.stateDirectory)/downloads")) ?? []
        XCTAssertEqual(downloads, [], "the partial download is removed", file: file, line: line)
        XCTAssertEqual(world.stateFile("active"), v1Digest, file: file, line: line)
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: "\(world.stateDirectory)/slots")) ?? [], ["\(v1Digest).efb"],
                       file: file, line: line)
        let before = world.collector.telemetry(world.device).count
        await eventually("telemetry continues from the serving model\n\(world.logs)", file: file, line: line) {
            world.collector.telemetry(world.device).count > before + 2
        }
        XCTAssertEqual(world.collector.servingDigest(world.device), v1Digest, file: file, line: line)
        XCTAssertEqual(world.collector.telemetry(world.device).last?.errors, 0, file: file, line: line)
    }

    /// Slow retrieval: one chunk every 0.6 s never stalls the download (the stall timeout is 3 s), but the whole
    /// bundle (about 38 KB, 10 chunks) would take 6 s, past its deadline of 1 s + size / (size / 3 s) = 4 s.
    func testATricklingSourceMissesTheDeadline() async throws {
        let (world, v1Digest, v2) = try await world { size in
            ["downloadMinimumBytesPerSecond": Double(size) / 3, "downloadGraceSeconds": 1.0, "downloadStallSeconds": 3.0]
        }
        XCTAssertGreaterThan(v2.count, 8 * chunkSize, "enough chunks to trickle")
        world.collector.state.withLock { $0.answerInterval = .milliseconds(600) }
        let watch = DownloadDirectoryWatch("\(world.stateDirectory)/downloads")
        defer { watch.stop() }
        let started = ContinuousClock.now
        let error = try await assignAndWaitForFailure(world, v2, id: "trickled", serving: v1Digest)
        let took = ContinuousClock.now - started
        watch.stop()
        XCTAssertEqual(error?.code, "downloadTimeout", "\(String(describing: error))")
        XCTAssertTrue(error?.message.contains("did not finish within its deadline") ?? false, "\(String(describing: error))")
        XCTAssertLessThan(took, .seconds(30), "the deadline (4 s) ended it, not the test's patience")
        XCTAssertGreaterThan(watch.largestFile, 0, "some chunks were written before the deadline")
        XCTAssertLessThan(watch.largestFile, v2.count, "the download was cut off")
        print("trickling source: \(v2.count) bytes at one \(chunkSize)-byte chunk per 0.6 s, failed after \(took) with \(watch.largestFile) bytes on disk: \(error?.message ?? "")")
        await assertTheOldModelServes(world, v1Digest)
    }

    /// Slow retrieval: a source that answers two chunks and then nothing fails the download after the stall
    /// timeout, long before its deadline. An assignment announcing more than `update.maxBundleBytes` is refused
    /// before anything is requested.
    func testASilentSourceStallsTheDownloadAndAnOversizedAssignmentIsRefused() async throws {
        let (world, v1Digest, v2) = try await world { _ in ["downloadMinimumBytesPerSecond": 100.0, "downloadStallSeconds": 1.5] }
        world.collector.state.withLock {
            $0.answer = { request, bytes in
                guard request.index < 2 else { return [] }
                let start = request.index * request.chunkSize
                return [(request.index, Array(bytes[start..<min(start + request.chunkSize, bytes.count)]))]
            }
        }
        let started = ContinuousClock.now
        let error = try await assignAndWaitForFailure(world, v2, id: "stalled", serving: v1Digest)
        let took = ContinuousClock.now - started
        XCTAssertEqual(error?.code, "downloadTimeout", "\(String(describing: error))")
        XCTAssertTrue(error?.message.contains("update.downloadStallSeconds") ?? false, "\(String(describing: error))")
        XCTAssertTrue(error?.message.contains("\(2 * chunkSize) of \(v2.count) bytes") ?? false, "\(String(describing: error))")
        XCTAssertLessThan(took, .seconds(30), "the stall timeout (1.5 s) ended it, not the deadline (~10 min)")
        await assertTheOldModelServes(world, v1Digest)

        // The storage budget: 300 MiB announced is more than update.maxBundleBytes (256 MiB by default).
        let requests = world.collector.state.withLock { $0.requestedChunks.count }
        let huge = Assignment(assignmentID: "huge", name: "kws", version: "2.0.0", digest: String(repeating: "ef", count: 32),
                              size: 300 << 20, chunkSize: chunkSize)
        try await world.collector.send(.assign(huge), to: world.device)
        await eventually("the assignment is rejected\n\(world.logs)") {
            world.collector.events.contains { $0.name == .commandRejected && ($0.error?.message.contains("bundle size") ?? false) }
        }
        let rejection = world.collector.events.last { $0.name == .commandRejected }?.error
        XCTAssertEqual(rejection?.code, "invalidAssignment", "\(String(describing: rejection))")
        XCTAssertEqual(world.collector.phases("huge"), [], "no update started")
        XCTAssertEqual(world.collector.state.withLock { $0.requestedChunks.count }, requests, "no chunk requested")
    }

    /// Endless data: chunks larger than their place, a served file longer than announced and chunks past the end.
    /// The update is refused with `excessData`, and no file in `downloads/` ever exceeds the announced size.
    func testASourceSendingMoreThanAnnouncedIsRefusedAndNothingBeyondTheSizeIsWritten() async throws {
        let (world, v1Digest, v2) = try await world { _ in ["downloadStallSeconds": 30.0] }
        let watch = DownloadDirectoryWatch("\(world.stateDirectory)/downloads")
        defer { watch.stop() }

        // 1. Three honest chunks, then every chunk 4 KiB too long.
        world.collector.state.withLock {
            $0.answer = { request, bytes in
                let start = request.index * request.chunkSize
                guard start < bytes.count else { return [] }
                let chunk = Array(bytes[start..<min(start + request.chunkSize, bytes.count)])
                return [(request.index, request.index < 3 ? chunk : chunk + [UInt8](repeating: 0x5A, count: 4096))]
            }
        }
        let oversized = try await assignAndWaitForFailure(world, v2, id: "oversized", serving: v1Digest)
        XCTAssertEqual(oversized?.code, "excessData", "\(String(describing: oversized))")
        XCTAssertTrue(oversized?.message.contains("larger than their place") ?? false, "\(String(describing: oversized))")
        XCTAssertTrue(oversized?.message.contains("announced as \(v2.count) bytes") ?? false, "\(String(describing: oversized))")
        XCTAssertGreaterThanOrEqual(watch.largestFile, 3 * chunkSize, "the honest chunks were written")
        await assertTheOldModelServes(world, v1Digest)

        // 2. A file 64 KiB longer than announced (so its last chunk is too long), and with every answer a chunk past
        // the end of the announced size.
        let v3 = try world.bundle(version: "2.0.0", counter: 3)
        let longer = v3 + [UInt8](repeating: 0xA5, count: 65_536)
        let chunkCount = (v3.count + chunkSize - 1) / chunkSize
        world.collector.state.withLock {
            $0.answer = { request, _ in
                let start = request.index * request.chunkSize
                guard start < longer.count else { return [] }
                return [(request.index, Array(longer[start..<min(start + request.chunkSize, longer.count)])),
                        (chunkCount + request.index, [UInt8](repeating: 0xA5, count: request.chunkSize))]
            }
        }
        let endless = try await assignAndWaitForFailure(world, v3, id: "endless", serving: v1Digest)
        watch.stop()
        XCTAssertEqual(endless?.code, "excessData", "\(String(describing: endless))")
        XCTAssertTrue(endless?.message.contains("past the last chunk") ?? false, "\(String(describing: endless))")
        print("endless data: \(oversized?.message ?? "")\n  \(endless?.message ?? "")\n  largest file in downloads/: \(watch.largestFile) bytes (announced \(v2.count) and \(v3.count))")
        XCTAssertLessThanOrEqual(watch.largestFile, max(v2.count, v3.count), "never more than the announced size on disk")
        await assertTheOldModelServes(world, v1Digest)
    }
}
