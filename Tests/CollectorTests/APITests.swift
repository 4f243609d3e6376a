import Bundles
import Collector
import FleetProtocol
import FleetSim
import FleetTestSupport
import Foundation
import TestSupport
import XCTest

/// The HTTP API, the registry and distribution through it, the dashboard and /metrics.
final class APITests: XCTestCase {
    func harnessWithTrust(configure: (inout CollectorConfiguration) -> Void = { _ in }) throws -> (CollectorHarness, keysDirectory: URL, keys: BundlesKeys) {
        let keysDirectory = try Fixtures.temporaryDirectory("collector-keys")
        let keys = try TestBundles.keys(in: keysDirectory)
        let harness = try CollectorHarness {
            $0.trust = TrustSettings(rootPublicKey: keys.rootPublicKeyPath, trustFiles: [keys.trustPath])
            configure(&$0)
        }
        return (harness, keysDirectory, keys)
    }

    func testTokensAndRolesAreEnforcedWithJSONErrors() async throws {
        let harness = try CollectorHarness()
        try await harness.start()
        var result = try await harness.get("/api/v1/devices", token: nil)
        XCTAssertEqual(result.status, 401)
        XCTAssertEqual((try result.json()["error"] as? [String: Any])?["code"] as? String, "unauthorized")
        result = try await harness.get("/api/v1/devices", token: "not-a-token-at-all-xyz")
        XCTAssertEqual(result.status, 401)
        result = try await harness.send("PUT", "/api/v1/models/m/aliases/champion", json: ["release": 1], token: CollectorHarness.readToken)
        XCTAssertEqual(result.status, 403)
        XCTAssertTrue(((try result.json()["error"] as? [String: Any])?["message"] as? String ?? "").contains("admin"))
        result = try await harness.get("/api/v1/devices/nobody")
        XCTAssertEqual(result.status, 404)
        result = try await harness.get("/api/v1/no-such-endpoint")
        XCTAssertEqual(result.status, 404)
        XCTAssertNotNil(try result.json()["error"])
        result = try await harness.get("/healthz", token: nil)
        XCTAssertEqual(result.status, 200)
        result = try await harness.get("/metrics", token: nil)
        XCTAssertEqual(result.status, 200)
        result = try await harness.get("/api/v1/devices/x/telemetry?from=abc")
        XCTAssertEqual(result.status, 400)
        await harness.stop()
    }

    func testUndeclaredMethodsOfDeclaredPathsGet405WithAllow() async throws {
        let harness = try CollectorHarness()
        try await harness.start()
        var result = try await harness.request("TRACE", "/api/v1/devices")
        XCTAssertEqual(result.status, 405)
        XCTAssertEqual(result.headers["allow"], "GET")
        XCTAssertEqual((try result.json()["error"] as? [String: Any])?["code"] as? String, "methodNotAllowed")
        result = try await harness.request("DELETE", "/api/v1/devices/pi-1", token: nil)
        XCTAssertEqual(result.status, 405, "the methods a path has are no secret: no token needed to learn them")
        XCTAssertEqual(result.headers["allow"], "GET, PATCH")
        result = try await harness.send("POST", "/api/v1/models/m/aliases/champion", json: ["release": 1])
        XCTAssertEqual(result.status, 405)
        XCTAssertEqual(result.headers["allow"], "PUT, DELETE")
        result = try await harness.request("PUT", "/healthz", token: nil)
        XCTAssertEqual(result.status, 405)
        result = try await harness.request("HEAD", "/api/v1/fleet")
        XCTAssertEqual(result.status, 405, "HEAD is not declared either")
        result = try await harness.request("TRACE", "/api/v1/no-such-endpoint")
        XCTAssertEqual(result.status, 404, "undeclared paths stay 404")
        await harness.stop()
    }

    func testParametersOutsideTheSpecAreRejected() async throws {
        let harness = try CollectorHarness()
        try await harness.start()
        _ = try await harness.store.ingest([Messages.birth(device: "pi-1", seq: 1)], receivedAt: Int64(Date().timeIntervalSince1970 * 1000))
        func code(_ result: CollectorHarness.HTTPResult) throws -> String? { (try result.json()["error"] as? [String: Any])?["code"] as? String }
        var result = try await harness.get("/api/v1/devices?offset=-1")
        XCTAssertEqual(result.status, 400, result.text)
        XCTAssertEqual(try code(result), "invalidRequest")
        XCTAssertTrue(result.text.contains("offset"), result.text)
        result = try await harness.get("/api/v1/devices?offset=0")
        XCTAssertEqual((try result.json()["devices"] as? [Any])?.count, 1)
        result = try await harness.get("/api/v1/devices?limit=0")
        XCTAssertEqual(result.status, 400)
        for path in ["/api/v1/devices/bad%20id", "/api/v1/devices/bad%24id/telemetry", "/api/v1/devices/\(String(repeating: "a", count: 65))/rollups"] {
            result = try await harness.get(path)
            XCTAssertEqual(result.status, 400, path)
            XCTAssertEqual(try code(result), "invalidRequest", path)
        }
        result = try await harness.send("PATCH", "/api/v1/devices/bad%20id", json: ["tags": ["a"]])
        XCTAssertEqual(result.status, 400, "a device ID outside the pattern is refused before anything is written")
        result = try await harness.send("PATCH", "/api/v1/devices/pi-1", json: ["tags": Array(repeating: "a-long-label-of-some-size", count: 50_000)])
        XCTAssertEqual(result.status, 413, "JSON bodies stay capped at 1 MiB")
        XCTAssertEqual(try code(result), "payloadTooLarge")
        result = try await harness.send("PATCH", "/api/v1/devices/pi-1", json: ["tags": ["site:lab"], "groups": NSNull()])
        XCTAssertEqual(result.status, 200, "null means unchanged, as the spec says")
        result = try await harness.request("GET", "/api/v1/fleet", headers: ["Accept": "text/html"])
        XCTAssertEqual(result.status, 406, "an Accept without JSON is the client's problem, not a 500")
        result = try await harness.get("/api/v1/bundles/not-a-digest")
        XCTAssertEqual(result.status, 400)
        result = try await harness.get("/api/v1/models/keyword-spotter/versions/0/tags")
        XCTAssertEqual(result.status, 405)
        result = try await harness.send("PUT", "/api/v1/models/keyword-spotter/versions/0/tags", json: ["tags": ["a"]])
        XCTAssertEqual(result.status, 400, "release counters start at 1")
        result = try await harness.send("POST", "/api/v1/devices/pi-1/assignments", json: ["model": "m", "version": "latest", "shadowSeconds": -1])
        XCTAssertEqual(result.status, 400)
        result = try await harness.get("/api/v1/events?from=-5")
        XCTAssertEqual(result.status, 400)
        result = try await harness.get("/api/v1/devices/pi-1/telemetry?from=2000&to=1000")
        XCTAssertEqual(result.status, 200, "an empty range is an empty list, not an error")
        XCTAssertEqual((try result.json()["telemetry"] as? [Any])?.count, 0)
        await harness.stop()
    }

    func testInternalErrorsAnswer500WithoutTheirText() async throws {
        let (harness, keysDirectory, keys) = try harnessWithTrust()
        defer { try? FileManager.default.removeItem(at: keysDirectory) }
        try await harness.start()
        let bytes = try TestBundles.bundle(keys: keys, version: "1.0.0", release: 1)
        let registered = try await harness.request("POST", "/api/v1/bundles", token: CollectorHarness.adminToken, body: Data(bytes),
                                                   headers: ["Content-Type": "application/octet-stream"])
        let digest = try XCTUnwrap(try registered.json()["digest"] as? String)
        // A real I/O failure: the stored file replaced by a directory, so reading it fails with EISDIR.
        let stored = "\(harness.directory.path)/bundles/sha256/\(digest.prefix(2))/\(digest)"
        try FileManager.default.removeItem(atPath: stored)
        try FileManager.default.createDirectory(atPath: stored, withIntermediateDirectories: false)
        let result = try await harness.get("/api/v1/bundles/\(digest)")
        XCTAssertEqual(result.status, 500)
        let error = try XCTUnwrap(try result.json()["error"] as? [String: Any])
        XCTAssertEqual(error["code"] as? String, "internal")
        let message = try XCTUnwrap(error["message"] as? String)
        XCTAssertTrue(message.contains("log"), message)
        for secret in ["directory", "Is a", digest, harness.directory.path, "reading bundle"] {
            XCTAssertFalse(result.text.contains(secret), "the 500 leaks '\(secret)': \(result.text)")
        }
        await harness.stop()
    }

    func testDevicesTelemetryRollupsEventsAndLabels() async throws {
        let harness = try CollectorHarness()
        try await harness.start()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        _ = try await harness.store.ingest([Messages.birth(device: "pi-1", seq: 1), Messages.telemetry(device: "pi-1", seq: 2),
                                            Messages.telemetry(device: "pi-1", seq: 3), Messages.status(device: "pi-1", online: true),
                                            Messages.telemetry(device: "pi-2", seq: 1)], receivedAt: now)
        let list = try await harness.get("/api/v1/devices").json()["devices"] as? [[String: Any]]
        XCTAssertEqual(list?.compactMap { $0["id"] as? String }, ["pi-1", "pi-2"])
        let listing = try await harness.get("/api/v1/devices")
        struct Listing: Decodable { var devices: [DeviceRecord] }
        let decoded = try JSONDecoder().decode(Listing.self, from: listing.body).devices
        let stored = try await harness.store.devices(DeviceFilter())
        XCTAssertEqual(decoded, stored, "the hand-written listing JSON decodes to exactly the stored records")
        let online = try await harness.get("/api/v1/devices?online=true").json()["devices"] as? [[String: Any]]
        XCTAssertEqual(online?.count, 1)
        let detail = try await harness.get("/api/v1/devices/pi-1").json()
        XCTAssertEqual((detail["device"] as? [String: Any])?["profile"] as? String, "rpi-4b-2gb")
        let telemetry = try await harness.get("/api/v1/devices/pi-1/telemetry").json()["telemetry"] as? [[String: Any]]
        XCTAssertEqual(telemetry?.map { $0["seq"] as? Int }, [2, 3])
        let rollups = try await harness.get("/api/v1/devices/pi-1/rollups?resolution=minute").json()["rollups"] as? [[String: Any]]
        XCTAssertEqual(rollups?.first?["reports"] as? Int, 2)
        let hourly = try await harness.get("/api/v1/models/keyword-spotter/rollups?resolution=hour").json()["rollups"] as? [[String: Any]]
        XCTAssertEqual(hourly?.first?["reports"] as? Int, 3)
        let patched = try await harness.send("PATCH", "/api/v1/devices/pi-1", json: ["tags": ["site:lab"], "groups": ["canary"]])
        XCTAssertEqual(patched.status, 200)
        let canary = try await harness.get("/api/v1/devices?group=canary").json()["devices"] as? [[String: Any]]
        XCTAssertEqual(canary?.compactMap { $0["id"] as? String }, ["pi-1"])
        let refused = try await harness.send("PATCH", "/api/v1/devices/pi-1", json: ["tags": "not-a-list"])
        XCTAssertEqual(refused.status, 400)
        let events = try await harness.get("/api/v1/events?device=pi-1").json()["events"] as? [[String: Any]]
        XCTAssertTrue(events?.contains { $0["name"] as? String == "agent.birth" } ?? false)
        await harness.stop()
    }

    /// The device listing is a page (default 1,000, at most 10,000), paged by the `after` cursor it returns in `next`,
    /// with the filter's totals; a client that wants every device follows `next` until it is null.
    func testTheDeviceListingPagesByCursorWithTotals() async throws {
        let harness = try CollectorHarness()
        try await harness.start()
        let ids = (0..<1_205).map { "fleet-\(String(format: "%04d", $0))" }
        _ = try await harness.store.ingest(ids.map { Messages.birth(device: $0, seq: 1) }, receivedAt: Int64(Date().timeIntervalSince1970 * 1000))
        // A birth brings a device online: all but the first seven go offline.
        _ = try await harness.store.ingest(ids.dropFirst(7).map { Messages.status(device: $0, online: false) }, receivedAt: Int64(Date().timeIntervalSince1970 * 1000))
        var first = try await harness.get("/api/v1/devices").json()
        XCTAssertEqual((first["devices"] as? [Any])?.count, 1_000, "the default page size")
        XCTAssertEqual(first["next"] as? String, "fleet-0999")
        XCTAssertEqual(first["total"] as? Int, 1_205)
        XCTAssertEqual(first["online"] as? Int, 7)
        var listed: [String] = []
        var cursor: String?
        repeat {
            first = try await harness.get("/api/v1/devices?limit=500" + (cursor.map { "&after=\($0)" } ?? "")).json()
            listed += (first["devices"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            cursor = first["next"] as? String
        } while cursor != nil
        XCTAssertEqual(listed, ids, "every device on exactly one page")
        XCTAssertTrue(first["next"] is NSNull, "the last page says so with null")
        let online = try await harness.get("/api/v1/devices?online=true&limit=3&after=fleet-0002").json()
        XCTAssertEqual((online["devices"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, ["fleet-0003", "fleet-0004", "fleet-0005"])
        XCTAssertEqual(online["total"] as? Int, 7, "totals count the filter, not the cursor")
        XCTAssertEqual(online["next"] as? String, "fleet-0005")
        for refused in ["/api/v1/devices?limit=10001", "/api/v1/devices?after=bad%20id", "/api/v1/devices?limit=0"] {
            let result = try await harness.get(refused)
            XCTAssertEqual(result.status, 400, refused)
        }
        let most = try await harness.get("/api/v1/devices?limit=10000").json()
        XCTAssertEqual((most["devices"] as? [Any])?.count, 1_205)
        XCTAssertTrue(most["next"] is NSNull)

        // The fleet page reads one page and the totals the same way.
        func rows(_ html: String) -> [Substring] { html.components(separatedBy: "data-device=\"").dropFirst().map { $0.prefix { $0 != "\"" } } }
        var page = try await harness.get("/")
        XCTAssertEqual(rows(page.text).count, 500)
        XCTAssertTrue(page.text.contains("Devices 1–500 of 1205 · <a rel=\"next\" href=\"/?after=fleet-0499\">next</a>"), page.text)
        XCTAssertTrue(page.text.contains("id=\"online-count\">7<"))
        page = try await harness.get("/?after=fleet-0999")
        XCTAssertEqual(rows(page.text).first, "fleet-1000")
        XCTAssertEqual(rows(page.text).count, 205)
        XCTAssertTrue(page.text.contains("Devices 1001–1205 of 1205 · <a rel=\"prev\" href=\"/?before=fleet-1000\">previous</a></p>"))
        page = try await harness.get("/?before=fleet-1000")
        XCTAssertEqual(rows(page.text).first, "fleet-0500")
        XCTAssertTrue(page.text.contains("Devices 501–1000 of 1205"))
        page = try await harness.get("/?online=true")
        XCTAssertEqual(rows(page.text).count, 7)
        XCTAssertTrue(page.text.contains("id=\"device-count\">1205<"), "the cards count the whole fleet under a filter")
        page = try await harness.get("/?after=bad%20id")
        XCTAssertEqual(page.status, 400)
        await harness.stop()
    }

    func testBundleRegistrationAliasesTagsBlessingAndDownload() async throws {
        let (harness, keysDirectory, keys) = try harnessWithTrust()
        defer { try? FileManager.default.removeItem(at: keysDirectory) }
        try await harness.start()
        let first = try TestBundles.bundle(keys: keys, version: "1.0.0", release: 1)
        var result = try await harness.request("POST", "/api/v1/bundles", token: CollectorHarness.adminToken, body: Data(first),
                                               headers: ["Content-Type": "application/octet-stream"])
        XCTAssertEqual(result.status, 201, result.text)
        let version = try result.json()
        let digest = try XCTUnwrap(version["digest"] as? String)
        XCTAssertEqual(version["release"] as? Int, 1)
        XCTAssertEqual(version["createdBy"] as? String, "ops")
        XCTAssertEqual(version["blessed"] as? Bool, false)
        XCTAssertEqual(FileManager.default.fileExists(atPath: "\(harness.directory.path)/bundles/sha256/\(digest.prefix(2))/\(digest)"), true)

        result = try await harness.request("POST", "/api/v1/bundles", token: CollectorHarness.adminToken, body: Data(first))
        XCTAssertEqual(result.status, 409, "the same bundle twice")
        let sameRelease = try TestBundles.bundle(keys: keys, version: "1.0.1", release: 1)
        result = try await harness.request("POST", "/api/v1/bundles", token: CollectorHarness.adminToken, body: Data(sameRelease))
        XCTAssertEqual(result.status, 409, "versions are immutable: a release counter is registered once")
        let unsigned = try TestBundles.bundle(keys: keys, version: "2.0.0", release: 2, signed: false)
        result = try await harness.request("POST", "/api/v1/bundles", token: CollectorHarness.adminToken, body: Data(unsigned))
        XCTAssertEqual(result.status, 422)
        var tampered = try TestBundles.bundle(keys: keys, version: "2.0.0", release: 2)
        tampered[tampered.count - 10] ^= 0xFF
        result = try await harness.request("POST", "/api/v1/bundles", token: CollectorHarness.adminToken, body: Data(tampered))
        XCTAssertEqual(result.status, 422, result.text)
        result = try await harness.request("POST", "/api/v1/bundles", token: CollectorHarness.readToken, body: Data(first))
        XCTAssertEqual(result.status, 403)

        let second = try TestBundles.bundle(keys: keys, version: "1.1.0", release: 2, parent: "1.0.0")
        result = try await harness.request("POST", "/api/v1/bundles", token: CollectorHarness.adminToken, body: Data(second))
        XCTAssertEqual(result.status, 201)
        result = try await harness.send("PUT", "/api/v1/models/keyword-spotter/aliases/champion", json: ["release": 1])
        XCTAssertEqual(result.status, 200)
        result = try await harness.send("PUT", "/api/v1/models/keyword-spotter/aliases/canary", json: ["release": 2])
        XCTAssertEqual(result.status, 200)
        result = try await harness.get("/api/v1/models/keyword-spotter/versions/champion")
        XCTAssertEqual(try result.json()["release"] as? Int, 1)
        result = try await harness.send("PUT", "/api/v1/models/keyword-spotter/aliases/champion", json: ["release": 2])
        result = try await harness.get("/api/v1/models/keyword-spotter/versions/champion")
        XCTAssertEqual(try result.json()["release"] as? Int, 2, "aliases move")
        result = try await harness.send("PUT", "/api/v1/models/keyword-spotter/aliases/champion", json: ["release": 9])
        XCTAssertEqual(result.status, 404)
        result = try await harness.send("PUT", "/api/v1/models/keyword-spotter/versions/2/tags", json: ["tags": ["quantised", "int8"]])
        XCTAssertEqual(try result.json()["tags"] as? [String], ["int8", "quantised"])

        // Nobody sets `blessed` by hand any more: the gate runs on a snapshot (LearningAPITests has the full path).
        result = try await harness.send("PUT", "/api/v1/models/keyword-spotter/versions/2/blessing", json: ["blessed": true],
                                        token: CollectorHarness.gateToken)
        XCTAssertEqual(result.status, 404, "the hand-set blessing is gone")
        result = try await harness.send("POST", "/api/v1/models/keyword-spotter/versions/2/evaluation", json: [:])
        XCTAssertEqual(result.status, 403, "admins cannot run the gate: only the evaluation gate's token")
        result = try await harness.send("POST", "/api/v1/models/keyword-spotter/versions/2/evaluation", json: [:], token: CollectorHarness.gateToken)
        XCTAssertEqual(result.status, 404, "the snapshot its lineage names is not stored: \(result.text)")

        let model = try await harness.get("/api/v1/models/keyword-spotter").json()
        let versions = model["versions"] as? [[String: Any]]
        XCTAssertEqual(versions?.compactMap { $0["release"] as? Int }, [2, 1])
        XCTAssertEqual((versions?.first?["lineage"] as? [String: Any])?["parentVersion"] as? String, "1.0.0")
        XCTAssertEqual((model["model"] as? [String: Any])?["aliases"] as? [String: Int], ["champion": 2, "canary": 2])

        result = try await harness.get("/api/v1/bundles/\(digest)")
        XCTAssertEqual([UInt8](result.body), first)
        result = try await harness.request("GET", "/api/v1/bundles/\(digest)", headers: ["Range": "bytes=100-199"])
        XCTAssertEqual(result.status, 206)
        XCTAssertEqual([UInt8](result.body), Array(first[100...199]))
        XCTAssertEqual(result.headers["content-range"], "bytes 100-199/\(first.count)")
        let events = try await harness.get("/api/v1/events?model=keyword-spotter").json()["events"] as? [[String: Any]]
        XCTAssertTrue(Set(events?.compactMap { $0["name"] as? String } ?? []).isSuperset(of: ["model.registered", "alias.moved"]))
        await harness.stop()
    }

    func testAssignedBundleIsDownloadedInChunksAndInstalled() async throws {
        // The kws fixture has no labelled data for the gate: this test is about distribution, so blessing is not required.
        let (harness, keysDirectory, keys) = try harnessWithTrust { $0.training.requireBlessedAssignments = false }
        defer { try? FileManager.default.removeItem(at: keysDirectory) }
        try await harness.start()
        let bytes = try TestBundles.bundle(keys: keys, version: "2.0.0", release: 7)
        let registered = try await harness.request("POST", "/api/v1/bundles", token: CollectorHarness.adminToken, body: Data(bytes))
        XCTAssertEqual(registered.status, 201, registered.text)
        let digest = try XCTUnwrap(try registered.json()["digest"] as? String)
        let simulator = try FleetSimulator(settings: SimulationSettings(port: harness.broker.port, devices: 2, prefix: "pi", reportsPerSecond: 5),
                                           logger: CollectorHarness.logger)
        let running = Task { await simulator.run() }
        defer { running.cancel() }
        try await eventually("the simulated devices appear", timeout: 30) {
            (try await harness.store.devices(DeviceFilter())).filter { $0.profile != nil }.count == 2
        }
        let assigned = try await harness.send("POST", "/api/v1/devices/pi-0/assignments", json: ["model": "keyword-spotter", "version": "latest"])
        XCTAssertEqual(assigned.status, 201, assigned.text)
        XCTAssertEqual(try assigned.json()["delivered"] as? Bool, true)
        try await eventually("pi-0 installs the bundle and reports it", timeout: 60) {
            try await harness.store.device("pi-0")?.currentBundle?.digest == digest
        }
        let device = try await harness.get("/api/v1/devices/pi-0").json()
        let assignment = (device["assignments"] as? [[String: Any]])?.first
        try await eventually("the committed phase is recorded", timeout: 30) {
            let detail = try await harness.get("/api/v1/devices/pi-0").json()
            return ((detail["assignments"] as? [[String: Any]])?.first?["phase"] as? String) == "committed"
        }
        XCTAssertEqual(assignment?["digest"] as? String, digest)
        try await eventually("download progress is recorded", timeout: 10) {
            let downloads = try await harness.get("/api/v1/devices/pi-0/downloads").json()["downloads"] as? [[String: Any]]
            guard let progress = downloads?.first else { return false }
            return progress["distinctChunks"] as? Int == progress["chunkCount"] as? Int && (progress["chunkCount"] as? Int ?? 0) > 1
        }
        let current = try await harness.store.device("pi-0")?.currentBundle
        XCTAssertEqual(current?.releaseCounter, 7)
        let other = try await harness.store.device("pi-1")
        XCTAssertEqual(other?.currentBundle?.digest, SimulationSettings().bundle?.digest, "pi-1 was not assigned")
        let model = try await harness.get("/api/v1/models/keyword-spotter").json()
        XCTAssertEqual((model["deployment"] as? [String: [String]])?[digest], ["pi-0"], "the registry shows where each version runs")
        let unknown = try await harness.send("POST", "/api/v1/devices/pi-0/assignments", json: ["model": "keyword-spotter", "version": "champion"])
        XCTAssertEqual(unknown.status, 404)
        running.cancel()
        await running.value
        await harness.stop()
    }

    func testDashboardPagesAndMetrics() async throws {
        let (harness, keysDirectory, keys) = try harnessWithTrust()
        defer { try? FileManager.default.removeItem(at: keysDirectory) }
        try await harness.start()
        let bytes = try TestBundles.bundle(keys: keys, version: "1.0.0", release: 1)
        _ = try await harness.request("POST", "/api/v1/bundles", token: CollectorHarness.adminToken, body: Data(bytes))
        let simulator = try FleetSimulator(settings: SimulationSettings(port: harness.broker.port, devices: 3, prefix: "board", reportsPerSecond: 10),
                                           logger: CollectorHarness.logger)
        let running = Task { await simulator.run() }
        defer { running.cancel() }
        try await eventually("telemetry of every device is stored", timeout: 30) {
            try await harness.store.devices(DeviceFilter()).filter { $0.latest != nil }.count == 3
        }
        var page = try await harness.request("GET", "/", token: nil, headers: ["Accept": "text/html"])
        XCTAssertEqual(page.status, 401, "the dashboard needs a token by default")
        page = try await harness.get("/")
        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(page.headers["content-type"], "text/html; charset=utf-8")
        for id in ["board-0", "board-1", "board-2"] { XCTAssertTrue(page.text.contains("data-device=\"\(id)\""), id) }
        XCTAssertTrue(page.text.contains("state online"))
        XCTAssertTrue(page.headers["content-security-policy"]?.contains("default-src 'self'") ?? false)
        page = try await harness.get("/devices/board-1")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("<svg"), "charts are server-drawn SVG")
        XCTAssertEqual(page.text.components(separatedBy: "<svg").count - 1, 3)
        page = try await harness.get("/models")
        XCTAssertTrue(page.text.contains("keyword-spotter"))
        page = try await harness.get("/models/keyword-spotter")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("speech") == false && page.text.contains("git:test"), "lineage is shown")
        page = try await harness.get("/static/dashboard.css", token: nil)
        XCTAssertEqual(page.status, 200)
        page = try await harness.get("/events")
        XCTAssertEqual(page.status, 200)
        let redirect = try await harness.request("GET", "/?token=\(CollectorHarness.readToken)", token: nil)
        XCTAssertEqual(redirect.status, 303, "a ?token= login sets a cookie and redirects to the page without the token")
        XCTAssertEqual(redirect.headers["location"], "/")
        XCTAssertTrue(redirect.headers["set-cookie"]?.contains("HttpOnly") ?? false)
        page = try await harness.request("GET", "/", token: nil, headers: ["Cookie": "edgefleet_token=\(CollectorHarness.readToken)"])
        XCTAssertEqual(page.status, 200)

        // No explicit refresh: a scrape reads the fleet gauges itself.
        let metrics = try await harness.get("/metrics", token: nil).text
        for name in ["edgefleet_collector_messages_received_total", "edgefleet_collector_messages_stored_total", "edgefleet_collector_ingest_queue_depth",
                     "edgefleet_fleet_devices_online 3", "edgefleet_fleet_latency_microseconds{model=\"keyword-spotter\",quantile=\"0.95\"}"] {
            XCTAssertTrue(metrics.contains(name), "missing \(name) in:\n\(metrics)")
        }
        running.cancel()
        await running.value
        await harness.stop()
    }
}

typealias BundlesKeys = Bundles.KeyDirectory
