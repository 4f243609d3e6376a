import FleetProtocol
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The server-rendered dashboard: fleet table, device pages, model registry, events.
struct DashboardRoutes: Sendable {
    let store: any CollectorStore
    let library: MustacheLibrary

    init(store: any CollectorStore) throws {
        self.store = store
        var library = MustacheLibrary()
        for (name, text) in [("layout", DashboardTemplates.layout), ("fleet", DashboardTemplates.fleet), ("device", DashboardTemplates.device),
                             ("models", DashboardTemplates.models), ("model", DashboardTemplates.model), ("events", DashboardTemplates.events)] {
            try library.register(text, named: name)
        }
        self.library = library
    }

    func register(on router: Router<CollectorRequestContext>) {
        router.get("/") { request, _ in try await self.fleet(request) }
        router.get("devices/:id") { request, context in try await self.device(try context.parameters.require("id"), request) }
        router.get("models") { _, _ in try await self.models() }
        router.get("models/:name") { _, context in try await self.model(try context.parameters.require("name")) }
        router.get("events") { _, _ in try await self.events() }
        router.get("static/dashboard.css") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/css; charset=utf-8"
            headers[.cacheControl] = "max-age=300"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: DashboardTemplates.stylesheet)))
        }
        router.get("favicon.ico") { _, _ in Response(status: .noContent) }
    }

    /// Marks where `page(…, splicing:)` inserts pre-rendered bytes.
    static let splice = "\u{1}splice\u{1}"

    /// The template rendered into the layout; `splicing` bytes replace the ``splice`` marker without passing through Mustache.
    func page(title: String, template: String, _ values: [String: Any], splicing inserted: [UInt8]? = nil) -> Response {
        let content = library.render(values, withTemplate: template) ?? ""
        let html = library.render(["title": title, "content": content, "rendered": DisplayFormat.timestamp(IngestService.now())],
                                  withTemplate: "layout") ?? ""
        var buffer: ByteBuffer
        if let inserted, let marker = html.range(of: Self.splice) {
            buffer = ByteBuffer()
            buffer.reserveCapacity(html.utf8.count + inserted.count)
            buffer.writeString(String(html[..<marker.lowerBound]))
            buffer.writeBytes(inserted)
            buffer.writeString(String(html[marker.upperBound...]))
        } else {
            buffer = ByteBuffer(string: html)
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        // Everything the pages use comes from the collector itself.
        headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; frame-ancestors 'none'"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: buffer))
    }

    func fleet(_ request: Request) async throws -> Response {
        let filter = DeviceFilter(tag: request.query("tag"), group: request.query("group"), online: try request.query("online", as: Bool.self),
                                  model: request.query("model"))
        // The store orders by bytes (`demo-sim-10` before `demo-sim-2`); people read numbers.
        let devices = try await store.devices(filter).sorted { NaturalOrder.areInIncreasingOrder($0.id, $1.id) }
        let counts = try await store.deviceCounts()
        let now = IngestService.now()
        // The table is written directly and spliced into the rendered page: Mustache's per-row lookups and copies of a
        // 3.5 MB string cost more than the 100 ms the page may take for 10,000 devices.
        var rows = HTMLWriter(capacity: devices.count * 420)
        for device in devices {
            rows.raw("<tr class=\"device\" data-device=\""); rows.text(device.id); rows.raw("\"><td><a href=\"/devices/")
            rows.text(device.id); rows.raw("\">"); rows.text(device.id); rows.raw("</a></td><td>")
            rows.raw(device.online ? "<span class=\"state online\">online</span>" : "<span class=\"state offline\">offline</span>")
            rows.raw("</td><td>"); rows.text(device.profile ?? "—"); rows.raw("</td><td>"); rows.text(device.agentVersion ?? "—"); rows.raw("</td><td>")
            if let model = device.currentBundle?.name {
                rows.raw("<a href=\"/models/"); rows.text(model); rows.raw("\">"); rows.text(model); rows.raw("</a>")
            }
            rows.raw("</td><td>"); rows.text(device.currentBundle?.version ?? "—")
            rows.raw("</td><td class=\"num\">"); rows.text(device.latest.map { DisplayFormat.milliseconds(fromMicros: $0.latencyP95Micros) } ?? "—")
            rows.raw("</td><td class=\"num\">"); rows.text(device.latest.map { DisplayFormat.rate($0.throughput) } ?? "—")
            rows.raw("</td><td>"); rows.text(DisplayFormat.ago(device.lastSeenAt, now: now))
            rows.raw("</td><td>"); rows.text(device.groups.joined(separator: ", ")); rows.raw("</td></tr>\n")
        }
        var values: [String: Any] = [
            "rows": Self.splice, "empty": devices.isEmpty,
            "summary": ["devices": counts.total, "online": counts.online, "models": try await store.models().count,
                        "reports": try await store.telemetryStoredEver()] as [String: Any],
        ]
        let described = [("group", filter.group), ("tag", filter.tag), ("model", filter.model)].compactMap { name, value in value.map { "\(name) \($0)" } }
        if !described.isEmpty { values["filter"] = described.joined(separator: ", ") }
        return page(title: "Fleet", template: "fleet", values, splicing: rows.bytes)
    }

    func device(_ id: String, _ request: Request) async throws -> Response {
        guard let device = try await store.device(id) else { throw CollectorError(.notFound, "no device '\(id)'") }
        let now = IngestService.now()
        let byDay = request.query("range") == "day"
        let resolution: RollupResolution = byDay ? .hour : .minute
        let range = TimeRange(from: now - (byDay ? 86_400_000 : 3_600_000), to: now + 60_000)
        let rollups = try await store.rollups(.device(id), resolution: resolution, range: range)
        let latency = SVGChart.line([
            .init(name: "p50", color: "#2f6fed", points: rollups.map { ($0.bucketStart, $0.latencyP50Micros.map { $0 / 1000 }) }),
            .init(name: "p95", color: "#e8590c", points: rollups.map { ($0.bucketStart, $0.latencyP95Micros.map { $0 / 1000 }) }),
            .init(name: "p99", color: "#b42318", points: rollups.map { ($0.bucketStart, $0.latencyP99Micros.map { $0 / 1000 }) }),
        ], unit: "ms", title: "Inference latency of \(id)")
        let throughput = SVGChart.line([
            .init(name: "inferences/s", color: "#12805c", points: rollups.map { ($0.bucketStart, $0.meanThroughput) }),
        ], unit: "inferences/s", title: "Throughput of \(id)")
        let classes = rollups.reduce(into: [UInt64]()) { total, rollup in
            for (index, count) in rollup.predictions.enumerated() {
                if index >= total.count { total.append(0) }
                total[index] &+= count
            }
        }
        var labels = classes.indices.map { "class \($0)" }
        if let digest = device.currentBundle?.digest, let version = try await store.version(digest: digest), !version.labels.isEmpty {
            labels = classes.indices.map { $0 < version.labels.count ? version.labels[$0] : "class \($0)" }
        }
        let classChart = SVGChart.bars(labels: labels, values: classes.map(Double.init), title: "Prediction classes of \(id)")
        let downloads = try await store.downloads(deviceID: id, digest: nil)
        let assignments = try await store.assignments(deviceID: id, digest: nil, limit: 10).map { assignment -> [String: Any] in
            let download = downloads.first { $0.digest == assignment.digest }
            return ["id": assignment.id, "model": assignment.model, "version": assignment.version, "release": assignment.release,
                    "phase": assignment.phase ?? "sent", "received": assignment.bytesReceived.map(DisplayFormat.bytes) ?? "—",
                    "served": download.map { "\($0.distinctChunks)/\($0.chunkCount)" } ?? "—",
                    "created": DisplayFormat.ago(assignment.createdAt, now: now)]
        }
        let events = try await store.events(EventFilter(deviceID: id, limit: 20)).map(Self.eventRow)
        func bundle(_ reference: BundleReference?) -> [String: Any]? {
            reference.map { ["name": $0.name, "version": $0.version, "short": String($0.digest.prefix(12))] }
        }
        var values: [String: Any] = [
            "device": ["id": device.id, "profile": device.profile ?? "—", "agentVersion": device.agentVersion ?? "—", "input": device.input ?? "—"],
            "state": device.online ? "online" : "offline",
            "hardware": device.hardware.map { "\($0.model) · \($0.machine) · \($0.cpuCount) CPUs · \(DisplayFormat.bytes(Int($0.memoryBytes)))" } ?? "—",
            "lastSeen": DisplayFormat.ago(device.lastSeenAt, now: now),
            "status": device.online ? "online" : "offline" + (device.statusReason.map { " (\($0))" } ?? ""),
            "tags": device.tags.joined(separator: ", "), "groups": device.groups.joined(separator: ", "),
            "latencyChart": latency, "throughputChart": throughput, "classChart": classChart,
            "assignments": assignments, "events": events,
        ]
        if let current = bundle(device.currentBundle) { values["current"] = current }
        if let previous = bundle(device.previousBundle) { values["previous"] = previous }
        return page(title: "Device \(id)", template: "device", values)
    }

    func models() async throws -> Response {
        let now = IngestService.now()
        let rows: [[String: Any]] = try await store.models().map { model in
            ["name": model.name, "versionCount": model.versionCount,
             "latest": model.latestVersion.map { "\($0) (#\(model.latestRelease ?? 0))" } ?? "—",
             "aliases": model.aliases.sorted { $0.key < $1.key }.map { "\($0.key) → #\($0.value)" }.joined(separator: ", "),
             "devices": model.deviceCount, "created": DisplayFormat.ago(model.createdAt, now: now)]
        }
        return page(title: "Models", template: "models", ["models": rows])
    }

    func model(_ name: String) async throws -> Response {
        let versions = try await store.versions(model: name)
        guard !versions.isEmpty else { throw CollectorError(.notFound, "no model '\(name)' is registered") }
        let deployment = try await store.deployment(model: name)
        let now = IngestService.now()
        let rows: [[String: Any]] = versions.map { version in
            let devices = (deployment[version.digest] ?? []).sorted(by: NaturalOrder.areInIncreasingOrder)
            var row: [String: Any] = [
                "release": version.release, "version": version.version, "short": String(version.digest.prefix(12)),
                "lineage": version.lineage.parentVersion.map { "from \($0)" } ?? "root",
                "evaluation": version.lineage.evaluation.metrics.sorted { $0.key < $1.key }.map { "\($0.key) \(DisplayFormat.decimal($0.value, digits: 3))" }
                    .joined(separator: ", "),
                "blessed": version.blessed, "aliases": version.aliases.joined(separator: ", "), "tags": version.tags.joined(separator: ", "),
                "createdBy": version.createdBy, "source": version.source, "registered": DisplayFormat.ago(version.registeredAt, now: now),
                "devices": Array(devices.prefix(20)), "parent": version.lineage.parentVersion ?? "none",
                "dataset": String(version.lineage.datasetSnapshotSHA256.prefix(12)), "code": version.lineage.codeVersion,
            ]
            if devices.count > 20 { row["more"] = devices.count - 20 }
            return row
        }
        let rollups = try await store.rollups(.model(name, digest: nil), resolution: .hour, range: TimeRange(from: now - 86_400_000, to: now + 3_600_000))
        let chart = SVGChart.line([
            .init(name: "p50", color: "#2f6fed", points: rollups.map { ($0.bucketStart, $0.latencyP50Micros.map { $0 / 1000 }) }),
            .init(name: "p95", color: "#e8590c", points: rollups.map { ($0.bucketStart, $0.latencyP95Micros.map { $0 / 1000 }) }),
        ], unit: "ms", title: "Fleet latency of \(name)")
        return page(title: "Model \(name)", template: "model", ["name": name, "versions": rows, "latencyChart": chart])
    }

    func events() async throws -> Response {
        let rows = try await store.events(EventFilter(limit: 200)).map(Self.eventRow)
        return page(title: "Events", template: "events", ["events": rows])
    }

    static func eventRow(_ event: EventRecord) -> [String: Any] {
        var details = event.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if let update = event.update {
            details.insert("phase=\(update.phase.rawValue) target=\(update.target.name) \(update.target.version)", at: 0)
        }
        if let error = event.error { details.append("error=\(error.code): \(error.message)") }
        var row: [String: Any] = ["time": DisplayFormat.timestamp(event.time), "source": event.source, "name": event.name,
                                  "model": event.model ?? "", "details": details.joined(separator: " ")]
        if let device = event.deviceID { row["device"] = device }
        return row
    }
}
