import CollectorAPI
import Hummingbird
import OpenAPIRuntime
import Prometheus

/// The collector's implementation of the API generated from docs/openapi.yaml (`APIProtocol`).
///
/// Handlers see only typed input: authentication and roles ran before them (`APIRouter`'s route groups), the
/// caller's token is `APIIdentity.token`. Errors are thrown (`CollectorError`, `APIInternalError`) and answered by
/// `ErrorResponder`, so every error response has the spec's `Error` shape. Stateless; safe from any task.
struct CollectorAPIHandler: APIProtocol {
    let store: any CollectorStore
    let registry: ModelRegistry
    let distribution: DistributionService
    let clock: any WallClock
    /// Computes drift on request (`POST …/drift`); nil in tests that do not need it.
    let drift: DriftMonitor?
    /// Creates and drives rollouts (`/api/v1/rollouts…`); nil in tests that do not need it.
    let rollouts: RolloutEngine?
    /// Starts learning-loop cycles on request (`POST …/loop`); nil in tests that do not need it.
    let loop: LearningLoopService?
    let maximumUploadBytes: Int
    /// Training data: imports, snapshots, exports.
    let datasets: DatasetService
    /// The blessing gate (the only writer of `blessed`).
    let gate: GateService
    let training: TrainingSettings
    /// The training queue; nil in tests that do not run it.
    let trainingService: TrainingService?
    let prometheus: PrometheusCollectorRegistry?
    let beforeScrape: @Sendable () async -> Void

    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: "ok"))))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        // Fleet gauges (devices online, per-model quantiles) are read from the store at scrape time, so a scrape
        // never shows a figure older than the scrape itself.
        await beforeScrape()
        return .ok(.init(body: .textPlainCharsetUtf8Version_0_0_4(HTTPBody(prometheus?.emitToBuffer() ?? []))))
    }

    func getFleet(_ input: Operations.GetFleet.Input) async throws -> Operations.GetFleet.Output {
        let counts = try await store.deviceCounts()
        return .ok(.init(body: .json(.init(devices: counts.total, online: counts.online, models: try await store.models().count,
                                           telemetryReports: try await store.telemetryStoredEver()))))
    }

    func listEvents(_ input: Operations.ListEvents.Input) async throws -> Operations.ListEvents.Output {
        let query = input.query
        let limit = try APIValidation.limit(query.limit, default: 100, maximum: 10_000)
        let after = try APIValidation.nonNegative(query.after, "after")
        guard let range = try APIValidation.timeRange(from: query.from, to: query.to, defaultSpan: 30 * 86_400_000, now: clock.now()) else {
            return .ok(.init(body: .json(.init(events: []))))
        }
        let events = try await store.events(EventFilter(deviceID: query.device, model: query.model, name: query.name, after: after,
                                                        range: range, limit: limit))
        return .ok(.init(body: .json(.init(events: try APIBridge.convert(events)))))
    }
}
