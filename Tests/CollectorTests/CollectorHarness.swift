import Collector
import Foundation
import Logging
import MQTT
import Prometheus
import ServiceLifecycle
import TestSupport
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A collector running in the test process against a real mosquitto and a real SQLite file.
final class CollectorHarness: @unchecked Sendable {
    static let adminToken = "admin-token-0123456789abcdef"
    static let readToken = "read-token-0123456789abcdef"
    static let gateToken = "gate-token-0123456789abcdef"

    let broker: Mosquitto
    let directory: URL
    let configuration: CollectorConfiguration
    let collector: Collector
    let prometheus: PrometheusCollectorRegistry
    private var group: ServiceGroup?
    private var task: Task<Void, any Error>?

    var store: SQLiteStore { collector.sqliteStore! }
    var httpPort: Int { configuration.http.port }

    init(broker: Mosquitto? = nil, configure: (inout CollectorConfiguration) -> Void = { _ in }) throws {
        self.broker = try broker ?? Mosquitto()
        directory = try Fixtures.temporaryDirectory("collector-tests")
        var configuration = CollectorConfiguration(stateDirectory: directory.path)
        configuration.broker.port = self.broker.port
        configuration.broker.clientID = "collector-\(UUID().uuidString.prefix(8))"
        configuration.http.port = try Mosquitto.freePort()
        configuration.http.tokens = [APIToken(name: "ops", role: .admin, token: Self.adminToken),
                                     APIToken(name: "viewer", role: .read, token: Self.readToken),
                                     APIToken(name: "evaluation-gate", role: .gate, token: Self.gateToken)]
        configuration.distribution.chunkSize = 4096
        configure(&configuration)
        self.configuration = configuration
        prometheus = PrometheusCollectorRegistry()
        collector = try Collector(configuration: configuration, logger: Self.logger, metricsFactory: PrometheusMetricsFactory(registry: prometheus),
                                  prometheus: prometheus)
    }

    static var logger: Logger {
        var logger = Logger(label: "collector-test")
        logger.logLevel = ProcessInfo.processInfo.environment["COLLECTOR_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }

    /// Runs the services and returns once MQTT is connected and HTTP answers.
    func start() async throws {
        try await Collector.prepareStorage(configuration, logger: Self.logger)
        let group = ServiceGroup(configuration: .init(services: collector.services, logger: Self.logger))
        self.group = group
        task = Task { try await group.run() }
        try await eventually("the collector connects and serves HTTP", timeout: 30) {
            guard self.collector.client.state.isConnected else { return false }
            return (try? await self.get("/healthz"))?.status == 200
        }
    }

    /// Graceful shutdown, as on SIGTERM.
    func stop() async {
        await group?.triggerGracefulShutdown()
        _ = try? await task?.value
        group = nil
        task = nil
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: HTTP

    struct HTTPResult {
        var status: Int
        var body: Data
        var headers: [String: String]

        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw Mosquitto.Failure(description: "not a JSON object: \(String(decoding: body, as: UTF8.self))")
            }
            return object
        }

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func request(_ method: String, _ path: String, token: String? = CollectorHarness.readToken, body: Data? = nil,
                 headers: [String: String] = [:]) async throws -> HTTPResult {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(httpPort)\(path)")!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if body != nil, headers["Content-Type"] == nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields[String(describing: name).lowercased()] = String(describing: value) }
        return HTTPResult(status: http.statusCode, body: data, headers: fields)
    }

    /// No cookies and no redirects followed, so every request says exactly what the test sent.
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }()

    func get(_ path: String, token: String? = CollectorHarness.readToken) async throws -> HTTPResult {
        try await request("GET", path, token: token)
    }

    func send(_ method: String, _ path: String, json: Any, token: String? = CollectorHarness.adminToken) async throws -> HTTPResult {
        try await request(method, path, token: token, body: try JSONSerialization.data(withJSONObject: json))
    }

    /// A value of the Prometheus exposition, summed over label sets matching `labels`.
    func metric(_ name: String, labels: String = "") -> Double {
        var total = 0.0
        for line in prometheus.emitToString().split(separator: "\n") where line.hasPrefix(name) && !line.hasPrefix("#") {
            let rest = line.dropFirst(name.count)
            guard rest.first == " " || rest.first == "{" else { continue }
            if !labels.isEmpty, !line.contains(labels) { continue }
            total += Double(line.split(separator: " ").last ?? "0") ?? 0
        }
        return total
    }
}

/// Polls `condition` until it holds; fails the test with `description` after `timeout` seconds.
func eventually(_ description: String, timeout: Double = 60, interval: Duration = .milliseconds(100),
                file: StaticString = #filePath, line: UInt = #line, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: interval)
    }
    XCTFail("timed out after \(timeout) s waiting until \(description)", file: file, line: line)
    throw Mosquitto.Failure(description: "timed out waiting until \(description)")
}
