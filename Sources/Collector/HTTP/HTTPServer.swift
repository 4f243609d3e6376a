import HTTPTypes
import CollectorAPI
import Hummingbird
import HummingbirdTLS
import NIOSSL
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
        let throttle = AuthenticationThrottleGuard(limit: configuration.failedAuthenticationLimit,
                                                   windowSeconds: configuration.failedAuthenticationWindowSeconds, clock: clock)
        router.add(middleware: TokenAuthenticator(tokens: tokens, dashboardRequiresToken: configuration.dashboardRequiresToken,
                                                  metricsRequiresToken: configuration.metricsRequiresToken, throttle: throttle,
                                                  secureCookie: configuration.tls != nil))
        // The API, /healthz and /metrics are the operations of docs/openapi.yaml: the generated server registers
        // them through `APIRouter`, which puts each on the route group of its role and answers undeclared
        // methods with 405.
        let datasets = datasets ?? DatasetService(store: store, clock: clock, logger: logger)
        let gate = gate ?? GateService(registry: registry, datasets: datasets, store: store, settings: training, clock: clock, logger: logger)
        let handler = CollectorAPIHandler(store: store, registry: registry, distribution: distribution, clock: clock, drift: drift,
                                          rollouts: rollouts, loop: loop, maximumUploadBytes: configuration.maximumUploadBytes, datasets: datasets, gate: gate,
                                          training: training, trainingService: trainingService, prometheus: prometheus,
                                          beforeScrape: beforeScrape)
        let api = APIRouter(router: router, roles: APIRole.table(metricsRequiresToken: configuration.metricsRequiresToken), tokens: tokens,
                            throttle: throttle, audit: APIAuditLog(store: store, clock: clock))
        try handler.registerHandlers(on: api, configuration: .init(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes]),
                                     middlewares: [APIBodyLimit(), APIHeaderEncoding(), APIPrebuiltBody()])
        api.registerMethodNotAllowed()
        try DashboardRoutes(store: store, clock: clock).register(on: router)
        var logger = logger
        logger[metadataKey: "component"] = "http"
        let applicationConfiguration = ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                                serverName: "edge-collector")
        if let tls = configuration.tls {
            return Application(router: router, server: try .tls(.http1(), tlsConfiguration: try Self.tlsConfiguration(tls)),
                               configuration: applicationConfiguration, logger: logger)
        }
        return Application(router: router, configuration: applicationConfiguration, logger: logger)
    }

    /// swift-nio-ssl's server configuration from the PEM files of `http.tls`; errors name the file.
    static func tlsConfiguration(_ tls: HTTPTLSConfiguration) throws(CollectorError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(tls.certificate) } catch {
            throw CollectorError(.invalidConfiguration, "http.tls.certificate: cannot read a PEM certificate from \(tls.certificate): \(error)")
        }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: tls.key, format: .pem) } catch {
            throw CollectorError(.invalidConfiguration, "http.tls.key: cannot read a PEM private key from \(tls.key): \(error)")
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}
