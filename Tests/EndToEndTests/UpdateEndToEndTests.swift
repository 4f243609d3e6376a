import Bundles
import FleetProtocol
import Foundation
import TestSupport
import XCTest

/// Over-the-air updates with a real agent process: commit with shadow mode, SIGKILL at every phase,
/// refused bundles, a failed health check, a rollback in probation.
final class UpdateEndToEndTests: XCTestCase {
    private let chunkSize = 4096

    /// Serves `bytes` (or `served` instead) and assigns them to `device`.
    @discardableResult
    private func assign(_ world: AgentWorld, _ bytes: [UInt8], id: String, name: String = "kws", version: String,
                        device: String? = nil, shadowSeconds: Double? = nil, served: [UInt8]? = nil) async throws -> String {
        let digest = sha256Hex(bytes)
        world.collector.serve(served ?? bytes, as: digest)
        let assignment = Assignment(assignmentID: id, name: name, version: version, digest: digest, size: bytes.count,
                                    chunkSize: chunkSize, shadowSeconds: shadowSeconds)
        try await world.collector.send(.assign(assignment), to: device ?? world.device)
        return digest
    }

    private func waitForBirth(_ world: AgentWorld, _ device: String, count: Int = 1) async {
        await eventually("birth #\(count) of \(device)\n\(world.logs)") { world.collector.births(device).count >= count }
    }

    private func waitForEnd(_ world: AgentWorld, _ id: String, timeout: Duration = .seconds(60)) async -> UpdatePhase? {
        await eventually("update \(id) ends\n\(world.logs)", timeout: timeout) {
            world.collector.phases(id).contains { $0.isTerminal }
        }
        return world.collector.phases(id).last { $0.isTerminal }
    }

    func testUpdateCommitsAfterShadowModeAndProbation() async throws {
        let world = try await AgentWorld(self)
        let v1 = try world.bundle(version: "1.0.0", counter: 1)
        let v2 = try world.bundle(version: "1.1.0", counter: 2)
        try world.startAgent(try world.configuration(initialBundle: try world.write(v1, "v1.efb")))
        await waitForBirth(world, world.device)
        let digest = try await assign(world, v2, id: "shadowed", version: "1.1.0", shadowSeconds: 1)
        let end = await waitForEnd(world, "shadowed")
        XCTAssertEqual(end, .committed, "\(world.collector.updates)\n\(world.logs)")
        XCTAssertEqual(world.collector.phases("shadowed"),
                       [.downloading, .verifying, .installing, .healthCheck, .shadow, .switching, .probation, .committing, .committed])
        let updates = world.collector.updates.filter { $0.assignmentID == "shadowed" }
        XCTAssertEqual(updates.first { $0.phase == .switching }?.agreementRate, 1.0, "the same network agrees with itself")
        let pause = try XCTUnwrap(updates.first { $0.phase == .probation }?.switchPauseMicros)
        XCTAssertLessThan(pause, 50_000, "the switch pauses the loop between two inferences only")
        print("kws update: switch pause \(pause) µs")
        XCTAssertNotNil(updates.first { $0.phase == .shadow }?.healthLatencyMicros)
        XCTAssertEqual(updates.last?.target.releaseCounter, 2)
        await eventually("telemetry from the new model") { world.collector.servingDigest(world.device) == digest }
        XCTAssertTrue(world.collector.telemetry.contains { $0.shadow?.candidate.digest == digest && $0.shadow!.compared > 0 },
                      "shadow agreement reported in telemetry")
        XCTAssertEqual(world.stateFile("active"), digest)
        XCTAssertEqual(world.stateFile("floor"), "2")
        XCTAssertNil(world.stateFile("previous"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(world.stateDirectory)/slots"), ["\(digest).efb"])

        // Anti-rollback: v1 can no longer be installed.
        try await assign(world, v1, id: "downgrade", version: "1.0.0")
        let ended = await waitForEnd(world, "downgrade")
        XCTAssertEqual(ended, .failed)
        let error = world.collector.events.last { $0.update?.assignmentID == "downgrade" }?.error
        XCTAssertTrue(error?.message.contains("rollback") ?? false, "\(String(describing: error))")
    }

    func testAFourMegabyteModelUpdatesWithAMicrosecondSwitch() async throws {
        let world = try await AgentWorld(self)
        let model = "tf2_mobilenet_v2_1.0_224_ptq"
        let v1 = try world.bundle(model, name: "mobilenet-v2", version: "1.0.0", counter: 1)
        let v2 = try world.bundle(model, name: "mobilenet-v2", version: "1.1.0", counter: 2)
        let frames = "\(world.directory)/mobilenet-frames"
        try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: true)
        for number in 0..<2 {
            try Data(try Fixtures.bytes("\(model)/case-\(number).in-0.bin")).write(to: URL(fileURLWithPath: "\(frames)/\(number).bin"))
        }
        try world.startAgent(try world.configuration(initialBundle: try world.write(v1, "v1.efb"), input: frames,
                                                     extra: ["input": ["rate": 20], "update": ["latencyBudgetMilliseconds": 2000]]))
        await waitForBirth(world, world.device)
        let digest = sha256Hex(v2)
        world.collector.serve(v2, as: digest)
        try await world.collector.send(.assign(Assignment(assignmentID: "mobilenet", name: "mobilenet-v2", version: "1.1.0", digest: digest,
                                                          size: v2.count, chunkSize: 256 << 10)), to: world.device)
        let ended = await waitForEnd(world, "mobilenet", timeout: .seconds(120))
        XCTAssertEqual(ended, .committed, world.logs)
        let updates = world.collector.updates.filter { $0.assignmentID == "mobilenet" }
        let pause = try XCTUnwrap(updates.first { $0.phase == .probation }?.switchPauseMicros)
        print("mobilenet-v2 update: \(v2.count) bytes, switch pause \(pause) µs, health-check median \(updates.first { $0.phase == .switching }?.healthLatencyMicros ?? 0) µs")
        XCTAssertLessThan(pause, 50_000)
        await eventually("the new model serves") { world.collector.servingDigest(world.device) == digest }
        XCTAssertEqual(world.collector.telemetry(world.device).last?.errors, 0)
    }

    func testKilledAtEveryPhaseItRestartsOnAVerifiedModelAndFinishes() async throws {
        let world = try await AgentWorld(self)
        let v1 = try world.bundle(version: "1.0.0", counter: 1)
        let v2 = try world.bundle(version: "2.0.0", counter: 2)
        let v1Path = try world.write(v1, "v1.efb")
        let v1Digest = sha256Hex(v1), v2Digest = sha256Hex(v2)
        // A candidate whose inputs do not fit the replayed frames: it fails probation, so the rollback phase is reached.
        let misfit = try world.bundle("ad01_int8", name: "ad01", version: "3.0.0", counter: 3)
        let cases: [(hold: String, phase: UpdatePhase, end: UpdatePhase)] = [
            ("downloading:2", .downloading, .committed), ("verifying", .verifying, .committed), ("installing", .installing, .committed),
            ("healthCheck", .healthCheck, .committed), ("shadow", .shadow, .committed), ("switching", .switching, .committed),
            ("probation", .probation, .rolledBack), ("committing", .committing, .committed), ("rollingBack", .rollingBack, .rolledBack),
        ]
        for (number, testCase) in cases.enumerated() {
            let device = "pi-kill-\(number)"
            let state = "\(world.directory)/state-\(number)"
            let configuration = try world.configuration(initialBundle: v1Path, device: device, state: state)
            let first = try world.startAgent(configuration, environment: ["EDGE_AGENT_HOLD_AFTER": testCase.hold])
            await waitForBirth(world, device)
            let id = "kill-\(testCase.hold)"
            if testCase.phase == .rollingBack {
                try await assign(world, misfit, id: id, name: "ad01", version: "3.0.0", device: device)
            } else {
                try await assign(world, v2, id: id, version: "2.0.0", device: device, shadowSeconds: testCase.phase == .shadow ? 0.5 : nil)
            }
            await eventually("\(id): phase \(testCase.phase.rawValue) reported\n\(world.logs)") {
                world.collector.phases(id).contains(testCase.phase)
            }
            if testCase.phase == .downloading {
                await eventually("\(id): two chunks on disk") {
                    (try? FileManager.default.attributesOfItem(atPath: "\(state)/downloads/\(v2Digest).part")[.size] as? Int) == 2 * chunkSize
                }
            } else {
                try await Task.sleep(for: .milliseconds(200))
            }
            first.kill()
            let requestsBefore = world.collector.state.withLock { $0.requestedChunks.count }
            try world.startAgent(configuration)
            let end = await waitForEnd(world, id)
            XCTAssertEqual(end, testCase.end, "\(id): \(world.collector.phases(id))\n\(world.logs)")
            let expected = testCase.end == .committed ? v2Digest : v1Digest
            XCTAssertEqual(world.stateFile("active", state: state), expected, id)
            await eventually("\(id): the restarted agent serves \(expected.prefix(8))") {
                world.collector.servingDigest(device) == expected
            }
            if testCase.phase == .downloading {
                let after = world.collector.state.withLock { Array($0.requestedChunks[requestsBefore...]) }
                XCTAssertEqual(after.min(), 2, "\(id): the download resumed at chunk 2, not from the start: \(after)")
            }
            if testCase.end == .rolledBack {
                XCTAssertEqual(world.collector.events.last { $0.update?.assignmentID == id }?.error?.code,
                               testCase.phase == .probation ? "restartedDuringProbation" : "probation", id)
                XCTAssertEqual(world.stateFile("floor", state: state), nil)
            } else {
                XCTAssertEqual(world.stateFile("floor", state: state), "2", id)
            }
            world.agent?.kill()
        }
    }

    func testACleanStopDuringProbationResumesProbationInsteadOfRollingBack() async throws {
        let world = try await AgentWorld(self)
        let v1 = try world.bundle(version: "1.0.0", counter: 1)
        let v2 = try world.bundle(version: "1.2.0", counter: 2)
        let configuration = try world.configuration(initialBundle: try world.write(v1, "v1.efb"))
        let agent = try world.startAgent(configuration)
        await waitForBirth(world, world.device)
        let digest = sha256Hex(v2)
        world.collector.serve(v2, as: digest)
        try await world.collector.send(.assign(Assignment(assignmentID: "interrupted", name: "kws", version: "1.2.0", digest: digest,
                                                          size: v2.count, chunkSize: chunkSize, probationSeconds: 3)), to: world.device)
        await eventually("probation begins\n\(world.logs)") { world.collector.phases("interrupted").contains(.probation) }
        agent.terminate()
        XCTAssertEqual(agent.waitForExit(timeout: .seconds(25)), 0, world.logs)
        try world.startAgent(configuration)
        let ended = await waitForEnd(world, "interrupted")
        XCTAssertEqual(ended, .committed, "\(world.collector.phases("interrupted"))\n\(world.logs)")
        XCTAssertFalse(world.collector.phases("interrupted").contains(.rollingBack))
        XCTAssertEqual(world.stateFile("active"), digest)
        XCTAssertEqual(world.stateFile("floor"), "2")
    }

    func testRefusedBundlesNeverReplaceTheServingModel() async throws {
        let world = try await AgentWorld(self)
        let v1 = try world.bundle(version: "1.0.0", counter: 1)
        let v1Digest = sha256Hex(v1)
        try world.startAgent(try world.configuration(initialBundle: try world.write(v1, "v1.efb")))
        await waitForBirth(world, world.device)

        var tampered = try world.bundle(version: "2.0.0", counter: 2)
        tampered[tampered.count - 10] ^= 0x40
        let genuine = try world.bundle(version: "2.0.2", counter: 2)
        var wrongBytes = genuine
        wrongBytes[100] ^= 1
        // (id, version, bundle, bytes actually served, expected error code, text in the message)
        let refusals: [(String, String, [UInt8], [UInt8]?, String, String)] = [
            ("tampered", "2.0.0", tampered, nil, "verification", "tamperedPayload"),
            ("stranger", "2.0.1", try world.bundle(version: "2.0.1", counter: 2, signer: SigningKey.generate()), nil, "verification", "unknownKey"),
            ("corrupted-in-transit", "2.0.2", genuine, wrongBytes, "digestMismatch", "SHA-256"),
            ("unhealthy", "2.0.3", try world.bundle(version: "2.0.3", counter: 2, corruptGolden: true), nil, "healthCheck", "golden case"),
        ]
        for (id, version, bundle, served, code, text) in refusals {
            try await assign(world, bundle, id: id, version: version, served: served)
            let ended = await waitForEnd(world, id)
            XCTAssertEqual(ended, .failed, "\(id)\n\(world.logs)")
            let error = world.collector.events.last { $0.update?.assignmentID == id && $0.update?.phase == .failed }?.error
            XCTAssertEqual(error?.code, code, id)
            XCTAssertTrue(error?.message.contains(text) ?? false, "\(id): \(String(describing: error))")
            XCTAssertFalse(world.collector.phases(id).contains(.switching), id)
        }
        XCTAssertEqual(world.stateFile("active"), v1Digest)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(world.stateDirectory)/slots"), ["\(v1Digest).efb"])
        let before = world.collector.telemetry(world.device).count
        await eventually("telemetry continues from the serving model") { world.collector.telemetry(world.device).count > before + 2 }
        XCTAssertEqual(world.collector.servingDigest(world.device), v1Digest)
        XCTAssertEqual(world.collector.telemetry(world.device).last?.errors, 0)
    }

    func testACandidateFailingProbationIsRolledBack() async throws {
        let world = try await AgentWorld(self)
        let v1 = try world.bundle(version: "1.0.0", counter: 1)
        let v1Digest = sha256Hex(v1)
        try world.startAgent(try world.configuration(initialBundle: try world.write(v1, "v1.efb")))
        await waitForBirth(world, world.device)
        // A healthy model for other inputs: its golden cases pass, but every live (kws-shaped) input fails.
        let candidate = try world.bundle("ad01_int8", name: "ad01", version: "3.0.0", counter: 3)
        try await assign(world, candidate, id: "wrong-inputs", name: "ad01", version: "3.0.0")
        let ended = await waitForEnd(world, "wrong-inputs")
        XCTAssertEqual(ended, .rolledBack, world.logs)
        XCTAssertEqual(world.collector.phases("wrong-inputs"),
                       [.downloading, .verifying, .installing, .healthCheck, .switching, .probation, .rollingBack, .rolledBack])
        let error = world.collector.events.last { $0.update?.assignmentID == "wrong-inputs" && $0.update?.phase == .rolledBack }?.error
        XCTAssertEqual(error?.code, "probation")
        XCTAssertEqual(world.stateFile("active"), v1Digest)
        XCTAssertNil(world.stateFile("floor"))
        await eventually("the previous model serves again without errors") {
            guard let last = world.collector.telemetry(world.device).last else { return false }
            return last.bundle?.digest == v1Digest && last.errors == 0 && last.inferences > 0
        }
    }
}
