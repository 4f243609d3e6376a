import HTTPTypes
import CollectorAPI
import Hummingbird
import OpenAPIRuntime
import Logging
import Prometheus
import ServiceLifecycle

/// Builds the Hummingbird application (a `Service`) serving the API, the dashboard, `/metrics` and `/healthz`.
enum HTTPServer {
    static func make(configuration: HTTPConfiguration, tokens: [APIToken], store: any CollectorStore, registry: ModelRegistry,
                     distribution: DistributionService, drift: DriftMonitor? = nil, rollouts: RolloutEngine? = nil, loop: LearningLoopService? = nil,
                     training: TrainingSettings = TrainingSettings(),
                     datasets: DatasetService? = nil, gate: GateService? = nil, trainingService: TrainingService? = nil,
                     clock: any WallClock = SystemWallClock(),
                     prometheus: PrometheusCollectorRegistry?,
                     beforeScrape: @escaping @Sendable () async -> Void = {}, logger: Logger) throws -> any Service {
        let router = Router(context: CollectorRequestContext.self)
        router.add(middleware: ErrorResponder())
        router.add(middleware: TokenAuthenticator(tokens: tokens, dashboardRequiresToken: configuration.dashboardRequiresToken,
                                                  metricsRequiresToken: configuration.metricsRequiresToken))
        // The API, /healthz and /metrics are the operations of docs/openapi.yaml: the generated server registers
        // them through `APIRouter`, which puts each on the route group of its role and answers undeclared
        // methods with 405.
        let datasets = datasets ?? DatasetService(store: store, clock: clock, logger: logger)
        let gate = gate ?? GateService(registry: registry, datasets: datasets, store: store, settings: training, clock: clock, logger: logger)
        let handler = CollectorAPIHandler(store: store, registry: registry, distribution: distribution, clock: clock, drift: drift,
                                          rollouts: rollouts, loop: loop, maximumUploadBytes: configuration.maximumUploadBytes, datasets: datasets, gate: gate,
                                          training: training, trainingService: trainingService, prometheus: prometheus,
                                          beforeScrape: beforeScrape)
        let api = APIRouter(router: router, roles: APIRole.table(metricsRequiresToken: configuration.metricsRequiresToken), tokens: tokens)
        try handler.registerHandlers(on: api, configuration: .init(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
                                     middlewares: [APIBodyLimit(), APIHeaderEncoding(), APIPrebuiltBody()])
        api.registerMethodNotAllowed()
        try DashboardRoutes(store: store, clock: clock).register(on: router)
        var logger = logger
        logger[metadataKey: "component"] = "http"
        return Application(router: router, configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                                                serverName: "edge-collector"),
                           logger: logger)
    }
}
