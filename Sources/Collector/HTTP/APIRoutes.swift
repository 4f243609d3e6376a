import Hummingbird

/// The JSON API under `/api/v1` (documented in docs/openapi.yaml).
struct APIRoutes: Sendable {
    let store: any CollectorStore
    let registry: ModelRegistry
    let distribution: DistributionService
    let maximumUploadBytes: Int

    func register(on router: Router<CollectorRequestContext>) {
        let api = router.group("api/v1")
        registerDevices(on: api)
        registerModels(on: api)
        registerBundles(on: api)
        api.get("events") { request, context in try await self.listEvents(request, context) }
        api.get("fleet") { _, context in
            _ = try context.require(.read)
            let counts = try await self.store.deviceCounts()
            return try JSONResponse.make(FleetSummary(devices: counts.total, online: counts.online, models: try await self.store.models().count,
                                                      telemetryReports: try await self.store.telemetryStoredEver()))
        }
    }

    func listEvents(_ request: Request, _ context: CollectorRequestContext) async throws -> Response {
        _ = try context.require(.read)
        let filter = EventFilter(deviceID: request.query("device"), model: request.query("model"), name: request.query("name"),
                                 after: try request.query("after", as: Int64.self), range: try request.timeRange(defaultSpan: 30 * 86_400_000),
                                 limit: try request.limit(default: 100, maximum: 10_000))
        return try JSONResponse.make(["events": try await store.events(filter)])
    }
}
