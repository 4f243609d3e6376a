import ArgumentParser
import Collector
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `edge-collector serve`, the default subcommand: runs the collector until SIGTERM or SIGINT.
struct CollectorServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the collector (the default when no subcommand is given).",
        discussion: "With no arguments: SQLite in the state directory, broker on 127.0.0.1:1883, HTTP on 127.0.0.1:8080. See docs/collector.md.")

    @Option(help: "A JSON configuration file (docs/collector.md lists every key).")
    var config: String?

    @Option(help: "Overrides stateDirectory.")
    var stateDirectory: String?

    @Option(help: "Overrides broker.host.")
    var brokerHost: String?

    @Option(help: "Overrides broker.port.")
    var brokerPort: Int?

    @Option(help: "Overrides http.port.")
    var httpPort: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("unknown log level '\(logLevel)'") }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "edge-collector")
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        MetricsSystem.bootstrap(factory)

        var configuration = try config.map { try CollectorConfiguration.load(path: $0) } ?? CollectorConfiguration()
        if let stateDirectory { configuration.stateDirectory = stateDirectory }
        if let brokerHost { configuration.broker.host = brokerHost }
        if let brokerPort { configuration.broker.port = brokerPort }
        if let httpPort { configuration.http.port = httpPort }

        let collector: Collector
        do {
            try await Collector.prepareStorage(configuration, logger: logger)
            collector = try Collector(configuration: configuration, logger: logger, metricsFactory: factory, prometheus: registry)
        } catch {
            logger.critical("cannot start", metadata: ["code": "\(error.code.rawValue)", "error": "\(error.message)"])
            throw ExitCode(2)
        }
        logger.info("starting", metadata: [
            "state": "\(configuration.stateDirectory)", "engine": "\(configuration.storage.engine.rawValue)", "database": "\(collector.databaseDescription)",
            "broker": "\(configuration.broker.host):\(configuration.broker.port)", "http": "\(configuration.http.host):\(configuration.http.port)",
        ])
        let group = ServiceGroup(configuration: .init(services: collector.services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("stopped")
    }
}

