@testable import Collector
import Foundation
import ServiceLifecycle
import TestSupport
import XCTest

/// The API's hardening: hashed tokens, the operate scope, throttled failed authentications, the audit log,
/// HTTPS with a `Secure` session cookie, and no internal error text in responses.
final class APISecurityTests: XCTestCase {
    static let operateToken = "operate-token-0123456789abcdef"
    static let hashedAdminSecret = "hashed-admin-secret-0123456789"

    func testHashedTokensAuthenticateAndTheOperateScopeChangesTheFleetButNotItsConfiguration() async throws {
        let harness = try CollectorHarness {
            $0.http.tokens += [APIToken(name: "operator", role: .operate, token: Self.operateToken),
                               APIToken(name: "hashed-admin", role: .admin, sha256: APIToken.hexHash(Self.hashedAdminSecret))]
        }
        try await harness.start()
        // A token configured by its SHA-256 only authenticates with its secret, never with the digest itself.
        var result = try await harness.get("/api/v1/devices", token: Self.hashedAdminSecret)
        XCTAssertEqual(result.status, 200, result.text)
        result = try await harness.get("/api/v1/devices", token: APIToken.hexHash(Self.hashedAdminSecret))
        XCTAssertEqual(result.status, 401)
        // operate: a drift run (fleet operation) yes; moving an alias (configuration) no.
        result = try await harness.send("POST", "/api/v1/models/nothing/drift", json: [:] as [String: Any], token: Self.operateToken)
        XCTAssertNotEqual(result.status, 401)
        XCTAssertNotEqual(result.status, 403, result.text)
        result = try await harness.send("PUT", "/api/v1/models/m/aliases/champion", json: ["release": 1], token: Self.operateToken)
        XCTAssertEqual(result.status, 403)
        XCTAssertTrue(result.text.contains("admin"), result.text)
        // read cannot operate; admin still can (old configurations keep their meaning).
        result = try await harness.send("POST", "/api/v1/models/nothing/drift", json: [:] as [String: Any], token: CollectorHarness.readToken)
        XCTAssertEqual(result.status, 403)
        result = try await harness.send("POST", "/api/v1/models/nothing/drift", json: [:] as [String: Any], token: CollectorHarness.adminToken)
        XCTAssertNotEqual(result.status, 403)
        await harness.stop()
    }

    func testEveryAdminAndOperateCallIsAudited() async throws {
        let harness = try CollectorHarness {
            $0.http.tokens += [APIToken(name: "operator", role: .operate, token: Self.operateToken)]
        }
        try await harness.start()
        _ = try await harness.send("PUT", "/api/v1/models/m/aliases/champion", json: ["release": 1], token: CollectorHarness.adminToken)
        _ = try await harness.send("POST", "/api/v1/models/nothing/drift", json: [:] as [String: Any], token: Self.operateToken)
        _ = try await harness.send("PUT", "/api/v1/models/m/aliases/champion", json: ["release": 1], token: Self.operateToken)
        _ = try await harness.get("/api/v1/devices")
        let events = try await harness.store.events(EventFilter(name: APIAuditLog.eventName, limit: 100))
        let entries = events.map { "\($0.details["actor"] ?? "?") \($0.details["method"] ?? "?") \($0.details["path"] ?? "?") \($0.details["status"] ?? "?")" }
        XCTAssertEqual(entries.count, 3, "two admin/operate calls and one refused one; reads are not audited: \(entries)")
        XCTAssertTrue(entries.contains { $0.hasPrefix("ops PUT /api/v1/models/m/aliases/champion") }, "\(entries)")
        XCTAssertTrue(entries.contains { $0.hasPrefix("operator POST /api/v1/models/nothing/drift") }, "\(entries)")
        XCTAssertTrue(entries.contains("operator PUT /api/v1/models/m/aliases/champion 403"), "a refused attempt is audited too: \(entries)")
        XCTAssertEqual(events.first { $0.details["actor"] == "ops" }?.model, "m")
        // The audit log is readable through the API like every event.
        let listed = try await harness.get("/api/v1/events?name=\(APIAuditLog.eventName)")
        XCTAssertEqual(listed.status, 200, listed.text)
        XCTAssertTrue(listed.text.contains("operator"), listed.text)
        await harness.stop()
    }

    func testFailedAuthenticationsAreThrottledWithRetryAfter() async throws {
        let harness = try CollectorHarness {
            $0.http.failedAuthenticationLimit = 3
            $0.http.failedAuthenticationWindowSeconds = 2
        }
        try await harness.start()
        for attempt in 1...3 {
            let result = try await harness.get("/api/v1/devices", token: "guess-\(attempt)-0123456789abcdef")
            XCTAssertEqual(result.status, 401)
        }
        // Now even the right token waits: a guesser cannot tell which guess would have worked.
        var result = try await harness.get("/api/v1/devices")
        XCTAssertEqual(result.status, 429, result.text)
        XCTAssertTrue(["1", "2"].contains(result.headers["retry-after"] ?? ""), "\(result.headers)")
        XCTAssertEqual((try result.json()["error"] as? [String: Any])?["code"] as? String, "tooManyRequests")
        result = try await harness.get("/", token: "dashboard-guess-0123456789abcdef")
        XCTAssertEqual(result.status, 429, "the dashboard shares the throttle")
        try await Task.sleep(for: .milliseconds(2200))
        result = try await harness.get("/api/v1/devices")
        XCTAssertEqual(result.status, 200, "the window passed")
        await harness.stop()
    }

    func testThrottleStateMachine() {
        var throttle = AuthenticationThrottle(limit: 2, window: 1000, maximumClients: 2)
        XCTAssertNil(throttle.wait(client: "a", now: 0))
        throttle.recordFailure(client: "a", now: 0)
        XCTAssertNil(throttle.wait(client: "a", now: 10))
        throttle.recordFailure(client: "a", now: 100)
        XCTAssertEqual(throttle.wait(client: "a", now: 200), 800, "until the first failure leaves the window")
        XCTAssertNil(throttle.wait(client: "b", now: 200), "per client")
        XCTAssertNil(throttle.wait(client: "a", now: 1050), "the first failure left the window")
        throttle.recordFailure(client: "b", now: 2000)
        throttle.recordFailure(client: "c", now: 2001)
        throttle.recordFailure(client: "d", now: 2002)
        XCTAssertLessThanOrEqual(throttle.failures.count, 2, "memory stays bounded")
    }

    func testTokenConfigurationAcceptsDigestsAndRefusesAmbiguousEntries() throws {
        let decoder = JSONDecoder()
        let hashed = try decoder.decode(APIToken.self, from: Data(#"{"name":"ci","role":"operate","sha256":"\#(APIToken.hexHash("x-secret-0123456789"))"}"#.utf8))
        XCTAssertEqual(hashed.role, .operate)
        XCTAssertEqual(hashed.digest, APIToken.hash("x-secret-0123456789"))
        XCTAssertThrowsError(try decoder.decode(APIToken.self, from: Data(#"{"name":"x","role":"read"}"#.utf8)))
        XCTAssertThrowsError(try decoder.decode(APIToken.self, from: Data(#"{"name":"x","role":"read","token":"t-0123456789abcdef","sha256":"00"}"#.utf8)))
        // Old roles still decode.
        for role in ["read", "admin", "gate"] {
            XCTAssertNoThrow(try decoder.decode(APIToken.self, from: Data(#"{"name":"x","role":"\#(role)","token":"t-0123456789abcdef"}"#.utf8)))
        }
        var configuration = CollectorConfiguration(stateDirectory: "/tmp/x")
        configuration.http.tokens = [APIToken(name: "bad", role: .read, sha256: "abc")]
        XCTAssertThrowsError(try configuration.validate())
        XCTAssertTrue(TokenRole.admin.permits(.operate))
        XCTAssertFalse(TokenRole.gate.permits(.operate))
        XCTAssertFalse(TokenRole.read.permits(.operate))
    }

    func testHTTPSServesTheAPIAndTheSessionCookieIsSecure() async throws {
        let pki = try Fixtures.temporaryDirectory("https-pki").appendingPathComponent("pki")
        for arguments in [["pki", "init", "--dir", pki.path], ["pki", "issue", "--dir", pki.path, "--server", "127.0.0.1"]] {
            let result = try ProductProcess.run("edgectl", arguments)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let harness = try CollectorHarness {
            $0.http.tls = HTTPTLSConfiguration(certificate: pki.appendingPathComponent("servers/127.0.0.1.crt").path,
                                               key: pki.appendingPathComponent("servers/127.0.0.1.key").path)
        }
        let group = ServiceGroup(configuration: .init(services: harness.collector.services, logger: CollectorHarness.logger))
        let running = Task { try await group.run() }
        func curl(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try Mosquitto.locate("curl"))
            process.arguments = ["-sS", "--max-time", "20", "--cacert", pki.appendingPathComponent("ca.crt").path] + arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return output
        }
        let base = "https://127.0.0.1:\(harness.httpPort)"
        var output = ""
        for _ in 0..<100 {
            output = try curl(["-H", "Authorization: Bearer \(CollectorHarness.readToken)", "\(base)/api/v1/fleet"])
            if output.contains("devices") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertTrue(output.contains("devices"), output)
        let headers = try curl(["-D", "-", "-o", "/dev/null", "\(base)/?token=\(CollectorHarness.readToken)"])
        let cookie = headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie:") }.map(String.init) ?? ""
        XCTAssertTrue(cookie.contains("HttpOnly") && cookie.contains("Secure"), headers)
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}
