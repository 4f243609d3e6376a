import Bundles
import Drift
import FleetProtocol
import FleetSim
import FleetTestSupport
import Foundation
import Logging
import TestSupport
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// deploy/prometheus/alerts.yml and deploy/grafana/edgefleet.json against the real thing: Debian's `prometheus`
/// scraping a collector process fed by a simulated fleet (with a registered model, so drift and latency exist).
/// Every dashboard query must return data and every alert rule must evaluate without error. Fails, never skips,
/// when prometheus is not installed (scripts/setup.sh installs it).
final class PrometheusEndToEndTests: XCTestCase {
    static let prometheus = "/usr/bin/prometheus"

    func testEveryDashboardQueryReturnsDataAndEveryAlertEvaluates() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.prometheus) else {
            XCTFail("\(Self.prometheus) is missing: install Debian's prometheus package (scripts/setup.sh does)")
            return
        }
        let broker = try Mosquitto()
        let root = try Fixtures.temporaryDirectory("collector-e2e-prometheus")
        defer { try? FileManager.default.removeItem(at: root) }
        let keys = try TestBundles.keys(in: root)
        let state = root.appendingPathComponent("collector")
        try FileManager.default.createDirectory(at: state.appendingPathComponent("trust"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: keys.rootPublicKeyPath, toPath: state.appendingPathComponent("trust/root.pub").path)
        try FileManager.default.copyItem(atPath: keys.trustPath, toPath: state.appendingPathComponent("trust/trust.json").path)
        let configurationPath = root.appendingPathComponent("collector.json").path
        try Data(#"{"drift": {"intervalSeconds": 2, "windowMinutes": 5}}"#.utf8).write(to: URL(fileURLWithPath: configurationPath))
        let collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port, extraArguments: ["--config", configurationPath])
        try collector.start()
        defer { collector.stop(SIGKILL) }
        struct Token: Decodable { var role: String; var token: String }
        let tokens = try JSONDecoder().decode([Token].self, from: Data(contentsOf: state.appendingPathComponent("tokens.json")))
        let admin = try XCTUnwrap(tokens.first { $0.role == "admin" }).token

        // A registered model with a drift baseline, run by a small simulated fleet whose rpi-5-4gb devices drift.
        let bundle = try VibrationBundles.bundle(keys: keys, model: try VibrationBundles.model())
        let (status, uploaded) = try await HTTP.call("POST", port: collector.httpPort, "/api/v1/bundles", token: admin, body: Data(bundle))
        XCTAssertEqual(status, 201, String(decoding: uploaded, as: UTF8.self))
        let baseline = try DriftBaseline.decode(try BundleFile(parsing: bundle).baselineBytes)
        let drift = SimulatedDrift(features: baseline.features.map { SimulatedDrift.Feature(name: $0.name, edges: $0.edges) },
                                   injection: DriftInjection(.meanShift(sigmas: 1)), target: .profile("rpi-5-4gb"), rowsPerReport: 60)
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        let reference = BundleReference(name: "vibration-monitor", version: "1.0.0", digest: Digest.sha256Hex(bundle), releaseCounter: 1)
        let simulator = try FleetSimulator(settings: SimulationSettings(port: broker.port, devices: 6, prefix: "prom", reportsPerSecond: 5,
                                                                        bundle: reference, classes: VibrationBundles.classes.count, drift: drift),
                                           logger: logger)
        let running = Task { await simulator.run() }
        defer { running.cancel() }

        // Prometheus on a free loopback port, its own directory, scraping and evaluating every second.
        let alerts = Fixtures.root.appendingPathComponent("deploy/prometheus/alerts.yml").path
        let directory = root.appendingPathComponent("prometheus")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = """
            global: { scrape_interval: 1s, evaluation_interval: 1s }
            rule_files: ["\(alerts)"]
            scrape_configs:
              - job_name: edge-collector
                static_configs: [{ targets: ["127.0.0.1:\(collector.httpPort)"] }]
            """
        try Data(configuration.utf8).write(to: directory.appendingPathComponent("prometheus.yml"))
        let port = try Mosquitto.freePort()
        let logPath = directory.appendingPathComponent("prometheus.log").path
        let pid = try SpawnedProcess.start(Self.prometheus, [
            "--config.file=\(directory.appendingPathComponent("prometheus.yml").path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
        ], logPath: logPath)
        defer {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        var prometheusLog: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "(no log)" }

        // Every target of every panel, with Grafana's variables as Grafana would fill them.
        let dashboard = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.root.appendingPathComponent("deploy/grafana/edgefleet.json")))
            as? [String: Any])
        var panels = dashboard["panels"] as? [[String: Any]] ?? []
        panels += panels.flatMap { $0["panels"] as? [[String: Any]] ?? [] }
        let queries: [(String, String)] = panels.flatMap { panel in
            (panel["targets"] as? [[String: Any]] ?? []).compactMap { target in
                (target["expr"] as? String).map { (panel["title"] as? String ?? "?", $0.replacingOccurrences(of: "$__rate_interval", with: "30s")
                    .replacingOccurrences(of: "$__range", with: "5m")) }
            }
        }
        XCTAssertGreaterThanOrEqual(queries.count, 15, "the dashboard's queries")

        var failing: [String] = []
        do {
            try await waitUntil("every dashboard query returns data", timeout: 180) {
                failing = []
                for (panel, expr) in queries {
                    let (status, result) = try await Self.query(port: port, expr)
                    if status != "success" || result.isEmpty { failing.append("\(panel): \(expr) → \(status), \(result.count) series") }
                }
                return failing.isEmpty
            }
        } catch {
            XCTFail("queries without data:\n\(failing.joined(separator: "\n"))\nprometheus:\n\(prometheusLog.suffix(2000))")
            throw error
        }

        // Every rule of alerts.yml is loaded, has been evaluated, and evaluates without error; so does its expression alone.
        let ruleCount = try String(contentsOfFile: alerts, encoding: .utf8).components(separatedBy: "- alert: ").count - 1
        var rules: [[String: Any]] = []
        try await waitUntil("Prometheus evaluated every rule", timeout: 30) {
            rules = try await Self.rules(port: port)
            return rules.count == ruleCount && rules.allSatisfy { ($0["lastEvaluation"] as? String).map { !$0.hasPrefix("0001") } ?? false }
        }
        XCTAssertEqual(rules.count, ruleCount, "every rule loaded:\n\(prometheusLog.suffix(2000))")
        for rule in rules {
            let name = rule["name"] as? String ?? "?"
            XCTAssertEqual(rule["health"] as? String, "ok", "\(name): \(rule["lastError"] ?? "")")
            let (status, _) = try await Self.query(port: port, try XCTUnwrap(rule["query"] as? String))
            XCTAssertEqual(status, "success", "\(name) evaluates through /api/v1/query")
        }
        // The fleet is healthy: none of the fleet-health alerts fires (drift may: the simulated profile drifts).
        let firing = rules.filter { ($0["state"] as? String) == "firing" }.compactMap { $0["name"] as? String }
        XCTAssertTrue(Set(firing).isDisjoint(with: ["EdgeFleetCollectorDown", "EdgeFleetIngestPaused", "EdgeFleetDevicesThrottling"]), "\(firing)")

        running.cancel()
        await running.value
    }

    /// `/api/v1/query` now: the status and the result vector.
    static func query(port: Int, _ expr: String) async throws -> (String, [[String: Any]]) {
        var components = URLComponents(string: "http://127.0.0.1:\(port)/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: expr)]
        // `+` in a query string would read as a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        let (data, _) = try await HTTP.session.data(for: URLRequest(url: components.url!))
        let body = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        let result = (body["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
        return (body["status"] as? String ?? "?", result)
    }

    /// `/api/v1/rules`: every rule of every group.
    static func rules(port: Int) async throws -> [[String: Any]] {
        let (data, _) = try await HTTP.session.data(for: URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/rules")!))
        let body = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        let groups = (body["data"] as? [String: Any])?["groups"] as? [[String: Any]] ?? []
        return groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }
    }
}
