import CoreMetrics
import FleetProtocol
import Foundation
import Logging
import MQTT
import Prometheus
import ServiceLifecycle

/// The collector assembled from a configuration: its store, registries and services, not yet running.
///
/// Nothing starts in `init` except opening (and migrating) an SQLite database; a PostgreSQL database is migrated by
/// ``prepareStorage(_:logger:)`` before `init`. Run ``services`` in a `ServiceGroup` in the given order: the
/// PostgreSQL pool and the leader lease first (when `storage.engine` is `postgres`), the broker connection (it stops
/// late, after everything that publishes through it), then acknowledgements, distribution, ingest, drift, training, rollouts, the learning loop, maintenance, and the
/// HTTP server last (it stops first, so no request reaches a stopped service).
public struct Collector: Sendable {
    public let configuration: CollectorConfiguration
    /// The store every service uses, whichever the engine.
    public let store: any CollectorStore
    /// The same store when it is SQLite (size cap, file path), else nil.
    public let sqliteStore: SQLiteStore?
    /// The same store when it is PostgreSQL, else nil.
    public let postgresStore: PostgresStore?
    /// Whether this collector does the singleton work (always, with SQLite; the lease holder, with PostgreSQL).
    public let leadership: any Leadership
    /// Where the data is, for logs (a file path or host:port/database).
    public let databaseDescription: String
    public let registry: ModelRegistry
    public let client: MQTTClient
    public let metrics: CollectorMetrics
    public let ingest: IngestService
    public let distribution: DistributionService
    public let acknowledgements: AckPublisher
    public let drift: DriftMonitor
    public let loop: LearningLoopService
    /// Staged rollouts (docs/rollouts.md); also the Swift entry point for the learning loop (`rollouts.create`).
    public let rollouts: RolloutEngine
    /// Training data: imports, snapshots and exports (docs/learning.md).
    public let datasets: DatasetService
    /// The blessing gate: the only writer of a version's `blessed` flag.
    public let gate: GateService
    /// The training queue and its workers.
    public let training: TrainingService
    /// The tokens the API accepts (configured, or read from / generated into the state directory).
    public let tokens: [APIToken]
    public let services: [any Service]
    /// Where every service reads the time of day.
    public let clock: any WallClock

    public init(configuration: CollectorConfiguration, logger: Logger, metricsFactory: any MetricsFactory,
                prometheus: PrometheusCollectorRegistry?, clock: any WallClock = SystemWallClock()) throws(CollectorError) {
        try configuration.validate()
        self.clock = clock
        self.configuration = configuration
        let state = configuration.stateDirectory
        do { try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true) } catch {
            throw CollectorError(.io, "cannot create the state directory \(state): \(error.localizedDescription); set stateDirectory in the configuration")
        }
        let metrics = CollectorMetrics(factory: metricsFactory)
        self.metrics = metrics
        var storageServices: [any Service] = []
        switch configuration.storage.engine {
        case .sqlite:
            let sqlite = try SQLiteStore(path: configuration.storage.path ?? "\(state)/collector.sqlite", options: configuration.storage.sqlite,
                                         logger: logger)
            store = sqlite
            sqliteStore = sqlite
            postgresStore = nil
            leadership = SoleLeadership()
            databaseDescription = sqlite.path
        case .postgres:
            let postgres = try PostgresStore(url: configuration.storage.url ?? "", options: configuration.storage.postgres, logger: logger)
            store = postgres
            sqliteStore = nil
            postgresStore = postgres
            let lease = LeaderLease(backend: postgres, holder: "\(configuration.broker.effectiveClientID)-\(UUID().uuidString.prefix(8))",
                                    ttl: .milliseconds(Int64(configuration.storage.postgres.leaderLeaseSeconds * 1000)), logger: logger)
            leadership = lease
            databaseDescription = postgres.location
            storageServices = [postgres, lease]
        }
        let repository = try BundleRepository(root: "\(state)/bundles")
        registry = ModelRegistry(store: store, repository: repository, trust: Self.trust(configuration), clock: clock, logger: logger)
        tokens = try Self.tokens(configuration, logger: logger)

        let broker = configuration.broker
        var mqtt: MQTTConfiguration
        do { mqtt = try broker.connection.makeConfiguration(clientID: broker.effectiveClientID) } catch {
            throw CollectorError(.invalidConfiguration, "cannot read broker.passwordFile \(broker.passwordFile ?? "")")
        }
        mqtt.cleanStart = !broker.persistentSession
        mqtt.sessionExpiry = broker.persistentSession ? .seconds(3600) : nil
        mqtt.messageBufferSize = broker.messageBufferSize
        // Acknowledgements are many small QoS 1 publishes whose PUBACKs queue behind the telemetry the broker is
        // delivering to this client: room for all the publisher's in-flight ones, not libmosquitto's 20.
        mqtt.sendMaximum = AckPublisher.defaultMaximumInFlight * 4
        // Many small packets both ways (acknowledgements, PUBACKs): Nagle's algorithm held them up to a delayed ACK, which
        // capped idle SQLite ingest at ~14,000 messages/s with the issue's bench (docs/collector.md).
        mqtt.tcpNoDelay = true
        do { client = try MQTTClient(configuration: mqtt, logger: logger) } catch {
            throw CollectorError(.invalidConfiguration, "the MQTT settings are not usable: \(error.message)")
        }

        let group = broker.sharedGroup
        let qos: MQTTQoS = broker.subscriptionQoS == 0 ? .atMostOnce : .atLeastOnce
        var subscriptions: [(filter: String, qos: MQTTQoS)] = [TopicKind.birth, .telemetry, .events, .samples, .bundleRequest].map {
            (filter: "$share/\(group)/\(FleetTopics.filter($0))", qos: qos)
        }
        // Retained messages are never delivered on shared subscriptions; every replica reads status (small, idempotent).
        subscriptions.append((filter: FleetTopics.filter(.status), qos: .atLeastOnce))
        let connection = BrokerConnection(client: client, subscriptions: subscriptions, logger: logger)
        acknowledgements = AckPublisher(client: client, qos: configuration.ingest.acknowledgementQoS, metrics: metrics, logger: logger)
        distribution = DistributionService(client: client, store: store, repository: repository, settings: configuration.distribution,
                                           metrics: metrics, clock: clock, logger: logger)
        ingest = IngestService(client: client, store: store, acknowledgements: acknowledgements, distribution: distribution,
                               settings: configuration.ingest, metrics: metrics, clock: clock, logger: logger)
        let ingest = self.ingest
        drift = DriftMonitor(store: store, repository: repository, settings: configuration.drift, metrics: metrics, clock: clock,
                             leadership: leadership, logger: logger)
        rollouts = RolloutEngine(store: store, actuator: distribution, settings: configuration.rollouts,
                                 profiles: RolloutEngine.loadProfiles(configuration.rollouts.profilesDirectory, logger: logger), clock: clock,
                                 leadership: leadership, logger: logger)
        datasets = DatasetService(store: store, clock: clock, logger: logger)
        gate = GateService(registry: registry, datasets: datasets, store: store, settings: configuration.training, clock: clock,
                           metrics: metrics, logger: logger)
        training = TrainingService(store: store, datasets: datasets, gate: gate, registry: registry, settings: configuration.training,
                                   workDirectory: "\(state)/training", clock: clock, leadership: leadership, logger: logger)
        loop = LearningLoopService(store: store, ports: CollectorLearningLoopPorts(store: store, distribution: distribution, rollouts: rollouts,
                                                                                   datasets: datasets, training: training, clock: clock),
                                   settings: configuration.loop, clock: clock, leadership: leadership, logger: logger)
        let retention = RetentionService(store: store, policy: configuration.storage.retention, clock: clock, leadership: leadership, logger: logger)
        let fleetMetrics = FleetMetricsService(store: store, stateDirectory: state, metrics: metrics, client: client, clock: clock, leadership: leadership, logger: logger,
                                               storedCount: { ingest.storedMessages })
        let http: any Service
        do {
            http = try HTTPServer.make(configuration: configuration.http, tokens: tokens, store: store, registry: registry,
                                       distribution: distribution, drift: drift, rollouts: rollouts, loop: loop, training: configuration.training,
                                       datasets: datasets, gate: gate, trainingService: training, clock: clock, prometheus: prometheus,
                                       beforeScrape: { await fleetMetrics.refresh() }, logger: logger)
        } catch let error as CollectorError {
            throw error
        } catch {
            throw CollectorError(.invalidConfiguration, "the HTTP server could not be set up (dashboard templates, API routes): \(error)")
        }
        // Trust-file rotations reach the fleet from here (docs/security.md).
        let trustPush = TrustPushService(client: client, store: store, trust: Self.trust(configuration), clock: clock, logger: logger)
        services = storageServices + [connection, acknowledgements, distribution, ingest, drift, training, rollouts, loop, retention, fleetMetrics,
                                      http, trustPush]
    }

    /// Brings a PostgreSQL database's schema up to date before ``init`` (SQLite migrates when opened): a pool of its
    /// own runs for the migration only. Several collectors starting together migrate one after the other.
    public static func prepareStorage(_ configuration: CollectorConfiguration, logger: Logger) async throws(CollectorError) {
        guard configuration.storage.engine == .postgres else { return }
        try configuration.validate()
        let store = try PostgresStore(url: configuration.storage.url ?? "", options: configuration.storage.postgres, logger: logger)
        let result: Result<Void, CollectorError> = await withTaskGroup(of: Void.self) { group in
            group.addTask { await store.run() }
            defer { group.cancelAll() }
            do throws(CollectorError) {
                try await store.migrate()
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// The configured trust root, else `<stateDirectory>/trust/{root.pub,trust.json}` when present.
    static func trust(_ configuration: CollectorConfiguration) -> TrustSettings {
        if configuration.trust.rootPublicKey != nil { return configuration.trust }
        let root = "\(configuration.stateDirectory)/trust/root.pub", trust = "\(configuration.stateDirectory)/trust/trust.json"
        guard FileManager.default.fileExists(atPath: root), FileManager.default.fileExists(atPath: trust) else { return configuration.trust }
        return TrustSettings(rootPublicKey: root, trustFiles: [trust])
    }

    /// Configured tokens, a token file, or `<stateDirectory>/tokens.json` (generated with admin, read, gate and operate tokens on first start).
    static func tokens(_ configuration: CollectorConfiguration, logger: Logger) throws(CollectorError) -> [APIToken] {
        if !configuration.http.tokens.isEmpty { return configuration.http.tokens }
        let path = configuration.http.tokenFile ?? "\(configuration.stateDirectory)/tokens.json"
        if FileManager.default.fileExists(atPath: path) {
            do {
                let tokens = try JSONDecoder().decode([APIToken].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
                guard !tokens.isEmpty else { throw CollectorError(.invalidConfiguration, "\(path) lists no token") }
                return tokens
            } catch let error as CollectorError {
                throw error
            } catch {
                throw CollectorError(.invalidConfiguration, "cannot read the token file \(path): \(error)")
            }
        }
        guard configuration.http.tokenFile == nil else {
            throw CollectorError(.invalidConfiguration, "the token file \(path) does not exist")
        }
        func random() -> String { (0..<32).map { _ in String("0123456789abcdef".randomElement()!) }.joined() }
        let tokens = [APIToken(name: "admin", role: .admin, token: random()), APIToken(name: "read", role: .read, token: random()),
                      APIToken(name: "gate", role: .gate, token: random()), APIToken(name: "operate", role: .operate, token: random())]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(tokens)
            guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
                throw CollectorError(.io, "cannot write \(path)")
            }
        } catch let error as CollectorError {
            throw error
        } catch {
            throw CollectorError(.io, "cannot write \(path): \(error)")
        }
        logger.notice("generated API tokens (admin, read, gate, operate); keep the file private", metadata: ["path": "\(path)"])
        return tokens
    }
}
