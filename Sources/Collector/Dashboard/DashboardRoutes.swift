import Drift
import FleetProtocol
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The server-rendered dashboard: fleet table, device pages, model registry, events.
///
/// Each page builds a typed view model (`FleetPage`, `DevicePage`, …) and renders its `.mustache` resource, which
/// extends `layout`; every value is escaped by ``HTMLEscaper``, the charts are SVG from ``SVGChart``.
struct DashboardRoutes: Sendable {
    let store: any CollectorStore
    let clock: any WallClock
    let library: MustacheLibrary
    let stylesheet: String

    init(store: any CollectorStore, clock: any WallClock = SystemWallClock()) throws {
        self.store = store
        self.clock = clock
        self.library = try DashboardTemplates.library()
        self.stylesheet = try DashboardTemplates.stylesheet()
    }

    func register(on router: Router<CollectorRequestContext>) {
        router.get("/") { request, _ in try await self.fleet(request) }
        router.get("devices/:id") { request, context in try await self.device(try context.parameters.require("id"), request) }
        router.get("models") { _, _ in try await self.models() }
        router.get("models/:name") { _, context in try await self.model(try context.parameters.require("name")) }
        router.get("models/:name/drift") { _, context in try await self.drift(try context.parameters.require("name")) }
        router.get("models/:name/loop") { _, context in try await self.loop(try context.parameters.require("name")) }
        router.get("events") { _, _ in try await self.events() }
        router.get("rollouts/:id") { _, context in try await self.rollout(try context.parameters.require("id")) }
        router.get("static/dashboard.css") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/css; charset=utf-8"
            headers[.cacheControl] = "max-age=300"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: self.stylesheet)))
        }
        router.get("favicon.ico") { _, _ in Response(status: .noContent) }
    }

    /// `template` rendered for `model` (a page view model; the template extends `layout`) as an HTML response.
    func page(_ template: String, _ model: Any) -> Response {
        let html = render(template, model)
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        // Everything the pages use comes from the collector itself.
        headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; frame-ancestors 'none'"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The HTML of `template` for `model`; every template is registered at start, so a missing one is a programming error.
    func render(_ template: String, _ model: Any) -> String {
        guard let html = library.render(model, withTemplate: template) else { preconditionFailure("no dashboard template '\(template)'") }
        return html
    }

    func rendered() -> String { DisplayFormat.timestamp(clock.now()) }

    func fleet(_ request: Request) async throws -> Response {
        var filter = DeviceFilter(tag: request.query("tag"), group: request.query("group"), online: try request.query("online", as: Bool.self),
                                  model: request.query("model"), limit: FleetPage.pageSize)
        // Keyset cursors, as the API pages: one page and the totals are read, never the whole fleet (100,000 devices
        // took 1.4 s to list and sort; docs/scale.md).
        if let after = request.query("after") {
            try APIValidation.deviceID(after)
            filter.after = after
        } else if let before = request.query("before") {
            try APIValidation.deviceID(before)
            filter.before = before
        }
        let devices = try await store.devices(filter)
        let totals = try await store.deviceTotals(filter, preceding: devices.first?.id)
        let filtered = filter.tag != nil || filter.group != nil || filter.online != nil || filter.model != nil
        var counts = (online: totals.online, total: totals.matching)
        if filtered { counts = try await store.deviceCounts() }
        let parameters = [("group", filter.group), ("tag", filter.tag), ("model", filter.model), ("online", request.query("online"))]
        let described = parameters.dropLast().compactMap { name, value in value.map { "\(name) \($0)" } }
        var query = URLComponents()
        query.queryItems = parameters.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        let page = Self.fleetPage(devices: devices, now: clock.now(), deviceCount: counts.total, onlineCount: counts.online,
                                  modelCount: try await store.models().count, reportCount: try await store.telemetryStoredEver(),
                                  filter: described.isEmpty ? nil : described.joined(separator: ", "), matching: totals.matching,
                                  preceding: devices.isEmpty ? (filter.after == nil ? 0 : totals.matching) : totals.preceding,
                                  filterQuery: query.percentEncodedQuery ?? "")
        return self.page("fleet", page)
    }

    /// The fleet page's view model: one page of devices (in the store's order, IDs ascending by bytes) that
    /// `preceding` of the `matching` devices come before; figures formatted. The links page by keyset cursors
    /// (`after` the last row, `before` the first), `filterQuery` (percent-encoded) kept in them.
    static func fleetPage(devices: [DeviceRecord], now: Int64, deviceCount: Int, onlineCount: Int, modelCount: Int, reportCount: Int,
                          filter: String?, matching: Int, preceding: Int, filterQuery: String = "") -> FleetPage {
        func link(_ cursor: String) -> String { "/?" + (filterQuery.isEmpty ? "" : filterQuery + "&") + cursor }
        let rows = devices.map { device in
            FleetPage.Row(
                id: device.id, online: device.online, profile: device.profile ?? "—", agentVersion: device.agentVersion ?? "—",
                model: device.currentBundle?.name, version: device.currentBundle?.version ?? "—",
                latencyP95: device.latest.map { DisplayFormat.milliseconds(fromMicros: $0.latencyP95Micros) } ?? "—",
                throughput: device.latest.map { DisplayFormat.rate($0.throughput) } ?? "—",
                lastSeen: DisplayFormat.ago(device.lastSeenAt, now: now), groups: device.groups.joined(separator: ", "))
        }
        // Past the end (an `after` beyond the last device): back to the first page.
        let first = filterQuery.isEmpty ? "/" : "/?" + filterQuery
        let previous = preceding > 0 ? devices.first.map { link("before=\($0.id)") } ?? first : nil
        let next = preceding + devices.count < matching ? devices.last.map { link("after=\($0.id)") } : nil
        return FleetPage(rendered: DisplayFormat.timestamp(now), deviceCount: deviceCount, onlineCount: onlineCount, modelCount: modelCount,
                         reportCount: reportCount, filter: filter, devices: rows, shownFrom: devices.isEmpty ? 0 : preceding + 1,
                         shownTo: preceding + devices.count, matching: matching,
                         previousPage: previous, nextPage: next)
    }

    func device(_ id: String, _ request: Request) async throws -> Response {
        guard let device = try await store.device(id) else { throw CollectorError(.notFound, "no device '\(id)'") }
        let now = clock.now()
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
        let classes = Self.classTotals(rollups.map(\.predictions))
        var labels = classes.indices.map { "class \($0)" }
        if let digest = device.currentBundle?.digest, let version = try await store.version(digest: digest), !version.labels.isEmpty {
            labels = classes.indices.map { $0 < version.labels.count ? version.labels[$0] : "class \($0)" }
        }
        let classChart = SVGChart.bars(labels: labels, values: classes, title: "Prediction classes of \(id)")
        let downloads = try await store.downloads(deviceID: id, digest: nil)
        let assignments = try await store.assignments(deviceID: id, digest: nil, limit: 10).map { assignment in
            let download = downloads.first { $0.digest == assignment.digest }
            return DevicePage.Assignment(
                id: assignment.id, model: assignment.model, version: assignment.version, release: assignment.release,
                phase: assignment.phase ?? "sent", received: assignment.bytesReceived.map(DisplayFormat.bytes) ?? "—",
                served: download.map { "\($0.distinctChunks)/\($0.chunkCount)" } ?? "—", created: DisplayFormat.ago(assignment.createdAt, now: now))
        }
        let events = try await store.events(EventFilter(deviceID: id, limit: 20)).map(Self.eventRow)
        func bundle(_ reference: BundleReference?) -> DevicePage.BundleSummary? {
            reference.map { DevicePage.BundleSummary(name: $0.name, version: $0.version, short: String($0.digest.prefix(12))) }
        }
        let page = DevicePage(
            title: "Device \(id)", rendered: DisplayFormat.timestamp(now), id: device.id, state: device.online ? "online" : "offline",
            profile: device.profile ?? "—", agentVersion: device.agentVersion ?? "—",
            hardware: device.hardware.map { "\($0.model) · \($0.machine) · \($0.cpuCount) CPUs · \(DisplayFormat.bytes(Int($0.memoryBytes)))" } ?? "—",
            input: device.input ?? "—", current: bundle(device.currentBundle), previous: bundle(device.previousBundle),
            lastSeen: DisplayFormat.ago(device.lastSeenAt, now: now),
            status: device.online ? "online" : "offline" + (device.statusReason.map { " (\($0))" } ?? ""),
            tags: device.tags.joined(separator: ", "), groups: device.groups.joined(separator: ", "),
            latencyChart: latency, throughputChart: throughput, classChart: classChart, assignments: assignments, events: events)
        return self.page("device", page)
    }

    /// Predictions per class summed over the rollups, as chart values.
    ///
    /// Converted with `Double($0)`: `map(Double.init)` on `[UInt64]` picks `Double(bitPattern:)`, which turned every
    /// count into a subnormal near 0 — the bars vanished and every y tick read `0.0`.
    static func classTotals(_ predictions: [[UInt64]]) -> [Double] {
        let totals = predictions.reduce(into: [UInt64]()) { total, counts in
            for (index, count) in counts.enumerated() {
                if index >= total.count { total.append(0) }
                total[index] &+= count
            }
        }
        return totals.map { Double($0) }
    }

    func models() async throws -> Response {
        let now = clock.now()
        let rows = try await store.models().map { model in
            ModelsPage.Row(name: model.name, versionCount: model.versionCount,
                           latest: model.latestVersion.map { "\($0) (#\(model.latestRelease ?? 0))" } ?? "—",
                           aliases: model.aliases.sorted { $0.key < $1.key }.map { "\($0.key) → #\($0.value)" }.joined(separator: ", "),
                           devices: model.deviceCount, created: DisplayFormat.ago(model.createdAt, now: now))
        }
        return page("models", ModelsPage(rendered: DisplayFormat.timestamp(now), models: rows))
    }

    func model(_ name: String) async throws -> Response {
        let versions = try await store.versions(model: name)
        guard !versions.isEmpty else { throw CollectorError(.notFound, "no model '\(name)' is registered") }
        let deployment = try await store.deployment(model: name)
        let now = clock.now()
        var gates: [UInt64: EvaluationRecord] = [:]
        for version in versions.prefix(50) {
            if let latest = try await store.evaluations(model: name, release: version.release).first { gates[version.release] = latest }
        }
        let rows = versions.map { version in
            let devices = (deployment[version.digest] ?? []).sorted(by: NaturalOrder.areInIncreasingOrder)
            var row = ModelPage.Version(
                release: version.release, version: version.version, short: String(version.digest.prefix(12)),
                lineage: version.lineage.parentVersion.map { "from \($0)" } ?? "root",
                evaluation: version.lineage.evaluation.metrics.sorted { $0.key < $1.key }
                    .map { "\($0.key) \(DisplayFormat.decimal($0.value, digits: 3))" }.joined(separator: ", "),
                blessed: version.blessed, aliases: version.aliases.joined(separator: ", "), tags: version.tags.joined(separator: ", "),
                createdBy: version.createdBy, source: version.source, registered: DisplayFormat.ago(version.registeredAt, now: now),
                devices: Array(devices.prefix(20)), more: devices.count > 20 ? devices.count - 20 : nil,
                parent: version.lineage.parentVersion ?? "none", dataset: String(version.lineage.datasetSnapshotSHA256.prefix(12)),
                code: version.lineage.codeVersion)
            if let gate = gates[version.release] {
                row.gate = "gate: \(gate.blessed ? "blessed" : "refused") (evaluation \(gate.id), snapshot \(gate.snapshotID.prefix(12)))"
                    + (gate.blessed ? "" : ": " + gate.reasons.joined(separator: "; "))
                row.checks = Self.gateRows(gate.report)
                row.hasChecks = !row.checks.isEmpty
            }
            return row
        }
        let rollups = try await store.rollups(.model(name, digest: nil), resolution: .hour, range: TimeRange(from: now - 86_400_000, to: now + 3_600_000))
        let chart = SVGChart.line([
            .init(name: "p50", color: "#2f6fed", points: rollups.map { ($0.bucketStart, $0.latencyP50Micros.map { $0 / 1000 }) }),
            .init(name: "p95", color: "#e8590c", points: rollups.map { ($0.bucketStart, $0.latencyP95Micros.map { $0 / 1000 }) }),
        ], unit: "ms", title: "Fleet latency of \(name)")
        return page("model", ModelPage(title: "Model \(name)", rendered: DisplayFormat.timestamp(now), name: name, versions: rows, latencyChart: chart))
    }

    func events() async throws -> Response {
        let rows = try await store.events(EventFilter(limit: 200)).map(Self.eventRow)
        return page("events", EventsPage(rendered: rendered(), events: rows))
    }

    static func eventRow(_ event: EventRecord) -> EventRow {
        var details = event.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if let update = event.update {
            details.insert("phase=\(update.phase.rawValue) target=\(update.target.name) \(update.target.version)", at: 0)
        }
        if let error = event.error { details.append("error=\(error.code): \(error.message)") }
        return EventRow(time: DisplayFormat.timestamp(event.time), source: event.source, device: event.deviceID, model: event.model ?? "",
                        name: event.name, details: details.joined(separator: " "))
    }

    /// The drift page: per version devices run, the latest report's heat map (features × fleet, cohorts and anomalous
    /// devices), the fleet score per feature over the last reports, the feature table, and the model's drift events.
    func drift(_ name: String) async throws -> Response {
        let versions = try await store.versions(model: name)
        guard !versions.isEmpty else { throw CollectorError(.notFound, "no model '\(name)' is registered") }
        let now = clock.now()
        let reports = try await store.driftReports(model: name, digest: nil, limit: 200)
        var pages: [DriftPage.Version] = []
        for digest in Self.orderedDigests(reports) {
            let history = reports.filter { $0.digest == digest }
            guard let latest = history.first else { continue }
            pages.append(Self.driftVersion(latest, history: Array(history.prefix(48).reversed())))
        }
        let events = try await store.events(EventFilter(model: name, limit: 200)).filter { $0.name.hasPrefix("drift.") }.prefix(50).map(Self.eventRow)
        return page("drift", DriftPage(title: "Drift of \(name)", rendered: DisplayFormat.timestamp(now), model: name, versions: pages,
                                       events: Array(events)))
    }

    /// Digests in the order of their newest report.
    static func orderedDigests(_ reports: [DriftReportRecord]) -> [String] {
        var seen: Set<String> = []
        return reports.compactMap { seen.insert($0.digest).inserted ? $0.digest : nil }
    }

    static func driftVersion(_ report: DriftReportRecord, history: [DriftReportRecord]) -> DriftPage.Version {
        let features = report.attribution.features
        let cohorts = Array(Set(features.flatMap { $0.cohorts.map(\.cohort.description) })).sorted()
        let anomalous = Array(Set(features.flatMap(\.anomalousDevices))).sorted(by: NaturalOrder.areInIncreasingOrder)
        let columns = ["fleet"] + cohorts + anomalous.map { "device \($0)" }
        func cell(_ drift: FeatureDrift?, drifts: Bool, what: String) -> SVGChart.HeatCell {
            guard let drift, drift.verdict != .insufficientData else {
                return SVGChart.HeatCell(score: nil, drifts: false, detail: "\(what): too few rows")
            }
            return SVGChart.HeatCell(score: drift.score, drifts: drifts, detail: "\(what): \(drift.method.rawValue) \(DisplayFormat.decimal(drift.statistic, digits: 3)), p=\(DisplayFormat.decimal(drift.adjustedPValue, digits: 4)), \(drift.verdict.rawValue), \(drift.currentCount) rows")
        }
        let cells = features.map { feature -> [SVGChart.HeatCell] in
            var row = [cell(feature.fleet, drifts: feature.kind == .fleetWide, what: "\(feature.feature) · fleet")]
            for cohort in cohorts {
                let result = feature.cohorts.first { $0.cohort.description == cohort }
                row.append(cell(result?.aggregate, drifts: result?.drifts ?? false, what: "\(feature.feature) · \(cohort)"))
            }
            for device in anomalous {
                let result = report.attribution.devices[device]?.first { $0.feature == feature.feature }
                row.append(cell(result, drifts: feature.anomalousDevices.contains(device), what: "\(feature.feature) · \(device)"))
            }
            return row
        }
        let heatMap = SVGChart.heatMap(rows: features.map(\.feature), columns: columns, cells: cells, title: "Drift of \(report.model) \(report.version)")
        let palette = ["#2f6fed", "#e8590c", "#12b76a", "#9e77ed", "#f04438", "#0ba5ec", "#eaaa08", "#667085"]
        let series = features.prefix(8).enumerated().map { index, feature in
            SVGChart.Series(name: feature.feature, color: palette[index % palette.count], points: history.map { past in
                (past.computedAt, past.attribution.features.first { $0.feature == feature.feature }.flatMap {
                    $0.fleet.verdict == .insufficientData ? nil : $0.fleet.score
                })
            })
        }
        let chart = SVGChart.line(Array(series), unit: "score (1 = threshold)", title: "Fleet drift score of \(report.model) \(report.version)")
        let rows = features.map { feature in
            DriftPage.Feature(name: feature.feature, kind: feature.kind.rawValue.replacingOccurrences(of: "_", with: " "),
                              alarm: report.alarms.contains(feature.feature), method: feature.fleet.method.rawValue,
                              statistic: DisplayFormat.decimal(feature.fleet.statistic, digits: 3),
                              pValue: DisplayFormat.decimal(feature.fleet.adjustedPValue, digits: 4), verdict: feature.fleet.verdict.rawValue,
                              cohorts: feature.driftingCohorts.map(\.description).joined(separator: ", "),
                              devices: feature.anomalousDevices.joined(separator: ", "))
        }
        let minutes = Int((report.windowTo - report.windowFrom) / 60_000)
        return DriftPage.Version(
            version: report.version, short: String(report.digest.prefix(12)), computed: DisplayFormat.timestamp(report.computedAt),
            verdict: report.verdict.rawValue.replacingOccurrences(of: "_", with: " "), drifting: report.verdict >= .warning,
            devices: report.devices, window: "the last \(minutes) min", share: DisplayFormat.decimal(report.fleet.driftShare, digits: 2),
            predictionVerdict: (report.fleet.predictionVerdict?.rawValue ?? "not compared").replacingOccurrences(of: "_", with: " "),
            heatMap: heatMap, history: chart, features: rows,
            skipped: report.skippedDevices.isEmpty ? nil : report.skippedDevices.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: "; "),
            reportID: report.id)
    }
}
