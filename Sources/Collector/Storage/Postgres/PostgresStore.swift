import Foundation
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The clustered store: one PostgreSQL database shared by every collector, through a postgres-nio connection pool.
///
/// Several collectors may ingest into one database at once: each batch is one transaction that locks the rows it
/// merges into (devices, streams, rollup buckets) in a fixed order (table by table, keys sorted), so concurrent
/// batches serialise per stream instead of deadlocking, and the rules (``StreamLedger``, ``RollupFolding``,
/// ``PhaseOrder``) decide exactly as they do on SQLite. The SQL lives in the `PostgresStore+Role.swift` files, one
/// per role protocol.
///
/// Lifetime: the store is a `Service`. Its ``run()`` runs the connection pool and must be running (in the collector's
/// `ServiceGroup`, first) before any other method is called; ``migrate()`` then brings the schema up to date. Queries
/// made while `run()` is not running wait up to `leaseTimeout` and fail with `storageBusy`.
public final class PostgresStore: CollectorStore, Service {
    let client: PostgresClient
    let logger: Logger
    /// How long a request waits for a pooled connection before failing as busy (the pool is exhausted).
    let leaseTimeout: Duration
    /// Where the database is, without the password: for messages.
    public let location: String

    /// Prepares a pool for the database at `url` (`postgres://user:password@host:port/database`); connects lazily.
    public init(url: String, options: PostgresOptions = PostgresOptions(), logger: Logger) throws(CollectorError) {
        let parsed = try PostgresURL(url)
        var configuration = PostgresClient.Configuration(host: parsed.host, port: parsed.port, username: parsed.user,
                                                         password: parsed.password, database: parsed.database, tls: .disable)
        configuration.options.maximumConnections = max(1, options.maximumConnections)
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .milliseconds(Int64(options.connectTimeoutSeconds * 1000))
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.leaseTimeout = .milliseconds(Int64(options.leaseTimeoutSeconds * 1000))
        self.location = "\(parsed.host):\(parsed.port)/\(parsed.database ?? parsed.user)"
    }

    /// Runs the connection pool until cancelled or shut down gracefully.
    public func run() async {
        await client.run()
    }

    /// Runs `body` on a pooled connection inside one transaction, translating errors; rolls back if `body` throws.
    ///
    /// Inside leader-only work (``LeaderFence/current`` is bound) the transaction first checks the fence and fails with
    /// `conflict`, writing nothing, when this collector no longer holds the lease in that term.
    @discardableResult
    func writing<T: Sendable>(_ action: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws(CollectorError) -> T {
        let fence = LeaderFence.current
        do {
            return try await leased(action) { connection in
                try await connection.query("BEGIN", logger: self.logger)
                do {
                    if let fence { try await Self.check(fence, connection, action, logger: self.logger) }
                    let value = try await body(connection)
                    try await connection.query("COMMIT", logger: self.logger)
                    return value
                } catch {
                    // A broken connection cannot roll back; the server aborts the transaction when the socket closes.
                    _ = try? await connection.query("ROLLBACK", logger: self.logger)
                    throw error
                }
            }
        } catch {
            throw Self.translate(error, action, location: location)
        }
    }

    /// Runs `body` on a pooled connection (one statement is its own transaction; several read with READ COMMITTED).
    func reading<T: Sendable>(_ action: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws(CollectorError) -> T {
        do {
            return try await leased(action) { connection in try await body(connection) }
        } catch {
            throw Self.translate(error, action, location: location)
        }
    }

    /// Leases a connection, waiting at most ``leaseTimeout`` for one: an exhausted pool is a busy store, not a hang.
    ///
    /// Only the wait is bounded: once `body` has its connection it runs to the end.
    private func leased<T: Sendable>(_ action: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let timeout = leaseTimeout
        let started = LeaseStarted()
        let client = self.client
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await client.withConnection { connection in
                    started.flag.store(true, ordering: .relaxed)
                    return try await body(connection)
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                if !started.flag.load(ordering: .relaxed) { throw LeaseTimeout() }
                return nil
            }
            while let result = try await group.next() {
                if let result {
                    group.cancelAll()
                    return result
                }
            }
            throw LeaseTimeout()
        }
    }

    /// Rows of a query, collected.
    static func rows(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await connection.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
    }

    /// Runs a statement and returns the number of rows it returned (add `RETURNING 1` to count the rows it changed).
    @discardableResult
    static func execute(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) async throws -> Int {
        var count = 0
        for try await _ in try await connection.query(query, logger: logger) { count += 1 }
        return count
    }

    /// Maps a postgres-nio error onto the collector's codes, naming what was being done and what to check.
    static func translate(_ error: any Error, _ action: String, location: String) -> CollectorError {
        if let error = error as? CollectorError { return error }
        if error is LeaseTimeout {
            return CollectorError(.storageBusy,
                "\(action) failed: no database connection became free in time (every pooled connection to \(location) is busy). Raise storage.connections or the server's max_connections; ingest retries")
        }
        if let error = error as? PSQLError {
            switch error.code {
            case .server:
                let state = error.serverInfo?[.sqlState] ?? ""
                let message = error.serverInfo?[.message] ?? "\(error)"
                switch state {
                case "53100", "53200":
                    return CollectorError(.storageFull,
                        "\(action) failed: the database server at \(location) is out of disk or memory (\(message)). Free space on the server; ingest resumes by itself and nothing acknowledged is lost")
                case "40001", "40P01", "55P03", "53300", "57P03":
                    return CollectorError(.storageBusy,
                        "\(action) failed: the database at \(location) is busy (\(state): \(message)); ingest retries")
                case let state where state.hasPrefix("23"):
                    return CollectorError(.conflict, "\(action) failed: \(message)")
                case let state where state.hasPrefix("08") || state.hasPrefix("57P"):
                    return CollectorError(.storageBusy,
                        "\(action) failed: the database at \(location) went away (\(state): \(message)). Check that PostgreSQL is running; ingest retries")
                default:
                    return CollectorError(.storage, "\(action) failed: \(state) \(message)")
                }
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return CollectorError(.storageBusy,
                    "\(action) failed: cannot reach the database at \(location) (\(error.code)). Check that PostgreSQL is running and storage.url; ingest retries")
            default:
                return CollectorError(.storage, "\(action) failed: \(String(reflecting: error))")
            }
        }
        if error is ChannelError || error is IOError || error is CancellationError {
            return CollectorError(.storageBusy,
                "\(action) failed: the connection to the database at \(location) broke (\(error)). Check that PostgreSQL is running; ingest retries")
        }
        return CollectorError(.storage, "\(action) failed: \(String(reflecting: error))")
    }
}

