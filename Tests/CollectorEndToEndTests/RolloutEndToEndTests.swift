import Bundles
import FleetProtocol
import FleetSim
import FleetTestSupport
import Foundation
import Logging
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Staged rollouts on the assembled system: real mosquitto, the collector (killed with SIGKILL mid-rollout and
/// restarted), two real `edge-agent` processes and 1,000 simulated devices (a third of them on a board the
/// collector has no profile for, so ineligible). Each bad model behaviour is stopped in its canary and every exposed
/// device returns to the champion; the good model reaches the whole eligible fleet and becomes champion, an agent
/// that was offline gets it when it returns, and the rollout page renders in headless Chromium.
///
/// Prints one `rollout-figures:` line per rollout (docs/rollouts.md quotes them).
final class RolloutEndToEndTests: XCTestCase {
    struct Fleet {
        var collector: CollectorProcess
        var admin: String
        var read: String
        var database: String
    }

    func testBadModelsStopInTheCanaryAndAGoodOneReachesTheEligibleFleetAcrossACollectorKill() async throws {
        let broker = try Mosquitto()
        let root = try Fixtures.temporaryDirectory("collector-e2e-rollout")
        defer { try? FileManager.default.removeItem(at: root) }
        let keys = try TestBundles.keys(in: root)
        let state = root.appendingPathComponent("collector")
        try FileManager.default.createDirectory(at: state.appendingPathComponent("trust"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: keys.rootPublicKeyPath, toPath: state.appendingPathComponent("trust/root.pub").path)
        try FileManager.default.copyItem(atPath: keys.trustPath, toPath: state.appendingPathComponent("trust/trust.json").path)
        // Seconds, not minutes: short bakes and a fast engine (docs/rollouts.md, "Configuration").
        let configuration: [String: Any] = [
            "rollouts": [
                "intervalSeconds": 0.25, "rollbackRetrySeconds": 5, "installTimeoutSeconds": 3, "installRetries": 4,
                "profilesDirectory": Fixtures.root.appendingPathComponent("firmware-profiles").path,
                "strategy": ["canaryPercent": 1, "growthFactor": 2, "maximumWavePercent": 25, "controlPercent": 10, "bakeSeconds": 4,
                             "maximumBakeExtensions": 10, "gates": ["minimumInferences": 50]],
            ],
        ]
        let configurationPath = root.appendingPathComponent("collector.json").path
        try JSONSerialization.data(withJSONObject: configuration).write(to: URL(fileURLWithPath: configurationPath))
        let collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port, extraArguments: ["--config", configurationPath])
        try collector.start()
        defer { collector.stop(SIGKILL) }
        struct Token: Decodable { var role: String; var token: String }
        let tokens = try JSONDecoder().decode([Token].self, from: Data(contentsOf: state.appendingPathComponent("tokens.json")))
        let admin = try XCTUnwrap(tokens.first { $0.role == "admin" }).token
        let read = try XCTUnwrap(tokens.first { $0.role == "read" }).token
        let port = collector.httpPort
        let database = state.appendingPathComponent("collector.sqlite").path

        // Release 1 is the champion; 2 is good; 3…6 are bad in the ways fleet-sim is told (--behaviour).
        var digests: [UInt64: String] = [:]
        var v1Path = ""
        for release in UInt64(1)...6 {
            let bytes = try TestBundles.bundle(keys: keys, version: "1.\(release).0", release: release, parent: release == 1 ? nil : "1.0.0")
            if release == 1 {
                v1Path = root.appendingPathComponent("v1.efb").path
                try Data(bytes).write(to: URL(fileURLWithPath: v1Path))
            }
            let (status, body) = try await HTTP.call("POST", port: port, "/api/v1/bundles", token: admin, body: Data(bytes))
            XCTAssertEqual(status, 201, String(decoding: body, as: UTF8.self))
            digests[release] = try XCTUnwrap((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["digest"] as? String)
            if release > 1 {
                // The kws fixture has no labelled data for the blessing gate to judge, and this test is about distribution:
                // the versions are marked blessed in the database directly, the one thing only the gate does in production.
                _ = try SQLiteQuery.scalar(state.appendingPathComponent("collector.sqlite").path,
                                           "UPDATE model_versions SET blessed = 1, blessed_by = 'test' WHERE model = 'keyword-spotter' AND release = \(release)")
            }
        }
        let (aliased, _) = try await HTTP.json("PUT", port: port, "/api/v1/models/keyword-spotter/aliases/champion", token: admin, body: ["release": 1])
        XCTAssertEqual(aliased, 200)

        // Two real agents on release 1.
        let frames = root.appendingPathComponent("frames")
        try FileManager.default.createDirectory(at: frames, withIntermediateDirectories: true)
        for number in 0..<3 {
            try Data(try Fixtures.bytes("kws_ref_model/case-\(number).in-0.bin")).write(to: frames.appendingPathComponent("frame-\(number).bin"))
        }
        var agentArguments: [[String]] = []
        for number in 1...2 {
            let agent: [String: Any] = [
                "deviceID": "pi-agent-\(number)", "profile": "rpi-4b-2gb",
                "profileDirectory": Fixtures.root.appendingPathComponent("firmware-profiles").path,
                "broker": ["host": "127.0.0.1", "port": broker.port, "reconnectMinimumSeconds": 0.05, "reconnectMaximumSeconds": 0.5],
                "stateDirectory": root.appendingPathComponent("agent-\(number)-state").path,
                "trustedRootKey": keys.rootPublicKeyPath, "trustFile": keys.trustPath, "initialBundle": v1Path,
                "input": ["type": "replay", "path": frames.path, "rate": 50], "telemetry": ["intervalSeconds": 0.5],
                "queue": ["resendAfterSeconds": 2.0], "update": ["minimumProbationSamples": 5, "chunkTimeoutSeconds": 2.0],
                "capture": ["enabled": false], "logLevel": "info",
            ]
            let path = root.appendingPathComponent("agent-\(number).json").path
            try JSONSerialization.data(withJSONObject: agent, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
            agentArguments.append(["--config", path])
        }
        var agents = try (1...2).map { try AgentProcess(arguments: agentArguments[$0 - 1], logPath: root.appendingPathComponent("agent-\($0).log").path) }
        defer { agents.forEach { $0.kill() } }

        // 1,000 simulated devices: 300 in process and 4 `edgectl fleet-sim` processes of 175 (libmosquitto's loop
        // uses select(), so one process cannot hold much more than 300 clients below descriptor 1024). Two profiles
        // the collector knows, one it does not (ineligible): device i of each simulator gets profile i mod 3.
        let simulated = 300, perProcess = 175, processes = 4
        let ineligibleCount = (0..<simulated).filter { $0 % 3 == 2 }.count + processes * (0..<perProcess).filter { $0 % 3 == 2 }.count
        let eligibleCount = simulated + processes * perProcess - ineligibleCount + 2
        var simulators: [pid_t] = []
        defer { for pid in simulators { kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, 0) } }
        for number in 0..<processes {
            simulators.append(try SpawnedProcess.start(try ProductProcess.path("edgectl"), [
                "fleet-sim", "--port", "\(broker.port)", "--devices", "\(perProcess)", "--prefix", "simp\(number)", "--rate", "1",
                "--window", "8", "--seed", "\(number + 2)", "--bundle", v1Path,
                "--profile", "rpi-4b-2gb", "--profile", "rpi-5-4gb", "--profile", "esp32-s3",
                "--behaviour", "3=slow", "--behaviour", "4=fails-health-check", "--behaviour", "5=disagrees", "--behaviour", "6=wrong-labels",
            ], logPath: root.appendingPathComponent("fleet-sim-\(number).log").path))
        }
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        let champion = BundleReference(name: "keyword-spotter", version: "1.1.0", digest: digests[1]!, releaseCounter: 1)
        let simulator = try FleetSimulator(settings: SimulationSettings(
            port: broker.port, devices: simulated, prefix: "sim", reportsPerSecond: 1, window: 8, profiles: ["rpi-4b-2gb", "rpi-5-4gb", "esp32-s3"],
            bundle: champion, behaviours: [3: .slow, 4: .failsHealthCheck, 5: .disagrees, 6: .wrongLabels]), logger: logger)
        let running = Task { await simulator.run() }
        defer { running.cancel() }
        var seen = ""
        do {
            try await waitUntil("the fleet (1,000 simulated devices and 2 agents) reports", timeout: 300) {
                let (_, body) = try await HTTP.json(port: port, "/api/v1/fleet", token: admin)
                let reporting = try SQLiteQuery.scalar(database, "SELECT count(DISTINCT device_id) FROM telemetry")
                let agentsReporting = try SQLiteQuery.scalar(database, "SELECT count(DISTINCT device_id) FROM telemetry WHERE device_id LIKE 'pi-agent-%'")
                seen = "devices \(body["devices"] ?? "?"), reporting \(reporting), agents reporting \(agentsReporting)"
                return (Int(reporting) ?? 0) >= simulated + processes * perProcess + 2 && agentsReporting == "2"
            }
        } catch {
            print("fleet: \(seen)\nagent 1:\n\(agents[0].log.suffix(3000))\ncollector:\n\(collector.log.suffix(3000))")
            throw error
        }
        // A minute-long baseline is not needed: the gates use as long before each wave as the wave ran.
        try await Task.sleep(for: .seconds(5))

        func rollout(_ id: String) async throws -> [String: Any] { try await HTTP.json(port: port, "/api/v1/rollouts/\(id)", token: read).1 }
        func decision(_ rollout: [String: Any], _ kind: String, wave: Int? = nil) -> [String: Any]? {
            (rollout["decisions"] as? [[String: Any]])?.first { $0["kind"] as? String == kind && (wave == nil || $0["wave"] as? Int == wave) }
        }
        func at(_ decision: [String: Any]?) -> Int { decision?["at"] as? Int ?? 0 }
        let target: [String: Any] = ["profiles": ["rpi-4b-2gb", "rpi-5-4gb", "esp32-s3"]]

        // Each bad model: stopped in its canary, every exposed device back on the champion.
        for (release, behaviour, failingGate) in [(UInt64(3), "slow", "latency"), (4, "fails-health-check", "install"),
                                                  (5, "disagrees", "predictions"), (6, "wrong-labels", "confidence")] {
            let (created, body) = try await HTTP.json("POST", port: port, "/api/v1/rollouts", token: admin,
                                                      body: ["model": "keyword-spotter", "version": "\(release)", "target": target])
            XCTAssertEqual(created, 201, "\(body)")
            let id = try XCTUnwrap(body["id"] as? String)
            let canary = try XCTUnwrap((body["plan"] as? [String: Any])?["waves"] as? [[String]]).first ?? []
            XCTAssertEqual((body["ineligible"] as? [[String: Any]])?.count, ineligibleCount, "the esp32-s3 third is ineligible")
            var final: [String: Any] = [:]
            try await waitUntil("the \(behaviour) model's rollout is stopped and rolled back", timeout: 240) {
                final = try await rollout(id)
                return final["status"] as? String == "rolledBack"
            }
            let failed = decision(final, "gate.failed")
            XCTAssertEqual(failed?["wave"] as? Int, 0, "\(behaviour) is stopped in the canary: \(final["decisions"] ?? [])")
            let gates = failed?["gates"] as? [[String: Any]] ?? []
            XCTAssertTrue(gates.contains { $0["gate"] as? String == failingGate && $0["verdict"] as? String == "fail" },
                          "\(behaviour) fails the \(failingGate) gate: \(gates)")
            let exposed = (final["assigned"] as? [String]) ?? []
            XCTAssertLessThanOrEqual(exposed.count, canary.count, "no device beyond the canary got \(behaviour)")
            for device in exposed {
                let (_, detail) = try await HTTP.json(port: port, "/api/v1/devices/\(device)", token: read)
                let current = ((detail["device"] as? [String: Any])?["currentBundle"] as? [String: Any])?["digest"] as? String
                XCTAssertEqual(current, digests[1], "\(device) is back on the champion")
            }
            let start = at(decision(final, "wave.started", wave: 0)), aborted = at(decision(final, "aborted")), back = at(decision(final, "rolled_back"))
            print("rollout-figures: model=\(behaviour) release=\(release) canary=\(canary.count) exposed=\(exposed.count) canary-start-to-abort-ms=\(aborted - start) abort-to-all-back-ms=\(back - aborted)")
        }

        // The good model, with an agent offline and the collector killed mid-rollout.
        agents[1].kill()
        _ = agents[1].waitForExit(timeout: .seconds(10))
        let (created, body) = try await HTTP.json("POST", port: port, "/api/v1/rollouts", token: admin,
                                                  body: ["model": "keyword-spotter", "version": "2", "target": target])
        XCTAssertEqual(created, 201, "\(body)")
        let id = try XCTUnwrap(body["id"] as? String)
        let eligible = ((body["plan"] as? [String: Any])?["control"] as? [String] ?? []) + (((body["plan"] as? [String: Any])?["waves"] as? [[String]]) ?? []).flatMap { $0 }
        XCTAssertEqual(eligible.count, eligibleCount, "the simulated devices on known profiles and both agents")
        // Three devices come online after the rollout was created: two join it, the esp32-s3 one is listed ineligible.
        let late = try FleetSimulator(settings: SimulationSettings(
            port: broker.port, devices: 3, prefix: "late", reportsPerSecond: 1, window: 8, profiles: ["rpi-4b-2gb", "rpi-5-4gb", "esp32-s3"],
            bundle: champion), logger: logger)
        let lateRunning = Task { await late.run() }
        defer { lateRunning.cancel() }
        try await waitUntil("the good rollout reaches its third wave", timeout: 240) {
            (try await rollout(id))["wave"] as? Int ?? 0 >= 2
        }
        collector.stop(SIGKILL)
        try collector.start()
        var final: [String: Any] = [:]
        try await waitUntil("the good rollout completes after the restart", timeout: 300) {
            final = try await rollout(id)
            return final["status"] as? String == "completed" && (final["assigned"] as? [String])?.count ?? 0 >= eligible.count
        }
        let joined = final["joined"] as? [String] ?? []
        XCTAssertEqual(Set(joined), ["late-0", "late-1"], "the late devices on known boards joined the running rollout")
        XCTAssertTrue((final["ineligible"] as? [[String: Any]] ?? []).contains { $0["deviceID"] as? String == "late-2" },
                      "the late esp32-s3 device is listed ineligible")
        XCTAssertNil(decision(final, "gate.failed"), "\(final["decisions"] ?? [])")
        let (_, versions) = try await HTTP.json(port: port, "/api/v1/models/keyword-spotter/versions/champion", token: read)
        XCTAssertEqual(versions["release"] as? Int, 2, "the good model is the champion")
        XCTAssertEqual(try SQLiteQuery.scalar(database, """
            SELECT count(*) FROM (SELECT device_id FROM assignments WHERE created_by = 'rollout:\(id)' GROUP BY device_id HAVING count(*) > 1)
            """), "0", "no device assigned twice across the SIGKILL")
        XCTAssertEqual(try SQLiteQuery.scalar(database, """
            SELECT count(*) FROM assignments a JOIN devices d ON d.id = a.device_id WHERE d.profile = 'esp32-s3'
            """), "0", "ineligible devices are never assigned")
        do {
            try await waitUntil("every reachable eligible device serves release 2", timeout: 180) {
                try SQLiteQuery.scalar(database, """
                    SELECT count(*) FROM devices WHERE profile IN ('rpi-4b-2gb', 'rpi-5-4gb') AND id != 'pi-agent-2' AND cur_digest = '\(digests[2]!)'
                    """) == "\(eligible.count - 1 + joined.count)"
            }
        } catch {
            // Name the stragglers and their last assignment, so a failure says which device and where it stopped.
            let stragglers = try SQLiteQuery.scalar(database, """
                SELECT d.id || ' serves ' || COALESCE(substr(d.cur_digest, 1, 12), '-') || ' online=' || d.online || ' last assignment '
                    || COALESCE((SELECT a.release || ':' || COALESCE(a.phase, 'pending') || ' by ' || a.created_by FROM assignments a
                                 WHERE a.device_id = d.id ORDER BY a.created_at DESC LIMIT 1), 'none')
                FROM devices d WHERE d.profile IN ('rpi-4b-2gb', 'rpi-5-4gb') AND d.id != 'pi-agent-2'
                    AND (d.cur_digest IS NULL OR d.cur_digest != '\(digests[2]!)') LIMIT 20
                """)
            XCTFail("devices not on release 2 after completion: \(stragglers)")
            throw error
        }
        let promoted = at(decision(final, "promoted")), start = at(decision(final, "wave.started", wave: 0))
        let retried = try SQLiteQuery.scalar(database, "SELECT count(*) FROM events WHERE name = 'rollout.device.retried' AND body LIKE '%\(id)%'")
        let timedOut = try SQLiteQuery.scalar(database, "SELECT count(*) FROM events WHERE name = 'rollout.device.timed_out' AND body LIKE '%\(id)%'")
        print("rollout-figures: model=good release=2 eligible=\(eligible.count) waves=\(((final["plan"] as? [String: Any])?["waves"] as? [[String]])?.count ?? 0) canary-start-to-promoted-ms=\(promoted - start) (includes a collector SIGKILL and restart) joined=\(joined.count) resends=\(retried) timed-out=\(timedOut)")

        // The agent that was offline gets the version its group should run when it returns.
        agents[1] = try AgentProcess(arguments: agentArguments[1], logPath: root.appendingPathComponent("agent-2b.log").path)
        try await waitUntil("pi-agent-2 returns and installs release 2:\n\(agents[1].log)", timeout: 180) {
            let (_, detail) = try await HTTP.json(port: port, "/api/v1/devices/pi-agent-2", token: read)
            return ((detail["device"] as? [String: Any])?["currentBundle"] as? [String: Any])?["digest"] as? String == digests[2]
        }

        // The ledger answers "which devices ran release 3 then?" and the rollout page renders.
        try await waitUntil("the ledger lists every device that reported release 2", timeout: 60) {
            let (_, ledger) = try await HTTP.json(port: port, "/api/v1/ledger?digest=\(digests[2]!)&limit=100000", token: read)
            return (ledger["spans"] as? [[String: Any]])?.count ?? 0 >= eligible.count
        }
        let page = try Chromium.load("http://127.0.0.1:\(port)/rollouts/\(id)?token=\(read)")
        XCTAssertEqual(page.consoleErrors, [])
        XCTAssertTrue(page.dom.contains("<svg"), "the wave timeline")
        XCTAssertTrue(page.dom.contains("gate.passed") && page.dom.contains("promoted"), "decisions with reasons")
        XCTAssertTrue(page.dom.contains("Control"), "gate figures beside the control's")
        running.cancel()
        lateRunning.cancel()
        await running.value
        await lateRunning.value
    }
}
