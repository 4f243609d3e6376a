import HTTPTypes
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// Builds the Hummingbird application (a `Service`) serving the API, the dashboard, `/metrics` and `/healthz`.
enum HTTPServer {
    static func make(configuration: HTTPConfiguration, tokens: [APIToken], store: any CollectorStore, registry: ModelRegistry,
                     distribution: DistributionService, prometheus: PrometheusCollectorRegistry?,
                     beforeScrape: @escaping @Sendable () async -> Void = {}, logger: Logger) throws -> any Service {
        let router = Router(context: CollectorRequestContext.self)
        router.add(middleware: ErrorResponder())
        router.add(middleware: TokenAuthenticator(tokens: tokens, dashboardRequiresToken: configuration.dashboardRequiresToken,
                                                  metricsRequiresToken: configuration.metricsRequiresToken))
        router.get("healthz") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("metrics") { _, _ in
            // Fleet gauges (devices online, per-model quantiles) are read from the store at scrape time, so a
            // scrape never shows a figure older than the scrape itself.
            await beforeScrape()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: prometheus?.emitToBuffer() ?? [])))
        }
        APIRoutes(store: store, registry: registry, distribution: distribution, maximumUploadBytes: configuration.maximumUploadBytes)
            .register(on: router)
        try DashboardRoutes(store: store).register(on: router)
        var logger = logger
        logger[metadataKey: "component"] = "http"
        return Application(router: router, configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                                                serverName: "edge-collector"),
                           logger: logger)
    }
}
