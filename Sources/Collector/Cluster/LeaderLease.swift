import Logging
import ServiceLifecycle
import Synchronization

/// Leadership among collectors sharing one PostgreSQL database: a lease row (`leader_leases`) that the leader renews
/// every `ttl / 3` and that any collector may take once it has expired.
///
/// Time is the database server's (`clock_timestamp()`), so collectors' clocks need not agree. Locally the lease is
/// trusted only until `ttl` after the *start* of the last successful renewal, minus nothing else: a collector that
/// cannot reach the database stops acting as leader before another can take over. A collector killed with SIGKILL
/// stops renewing; another takes over within `ttl + ttl / 3`. Graceful shutdown releases the lease at once.
public final class LeaderLease: Leadership, Service {
    public let name: String
    /// This collector's identity in the lease (unique per process: a restarted collector is a new holder).
    public let holder: String
    let backend: any LeaseBackend
    let ttl: Duration
    let logger: Logger
    private struct State {
        var term: Int64?
        var validUntil: ContinuousClock.Instant = .now
    }
    private let state = Mutex(State())

    public init(backend: any LeaseBackend, name: String = "collector", holder: String, ttl: Duration = .seconds(15), logger: Logger) {
        self.backend = backend
        self.name = name
        self.holder = holder
        self.ttl = ttl
        self.logger = logger
    }

    public var isLeader: Bool {
        state.withLock { $0.term != nil && ContinuousClock.now < $0.validUntil }
    }

    public var term: Int64? {
        state.withLock { $0.term != nil && ContinuousClock.now < $0.validUntil ? $0.term : nil }
    }

    public var fence: LeaderFence? {
        term.map { LeaderFence(lease: name, holder: holder, term: $0) }
    }

    /// One attempt to take or renew the lease; returns whether this collector leads afterwards.
    @discardableResult
    public func renew() async -> Bool {
        let started = ContinuousClock.now
        do {
            let term = try await backend.acquireLease(name: name, holder: holder, ttl: ttl)
            let previous = state.withLock { state in
                let previous = state.term
                state.term = term
                state.validUntil = started + ttl
                return previous
            }
            if previous != term {
                if let term {
                    logger.notice("became the leader", metadata: ["lease": "\(name)", "holder": "\(holder)", "term": "\(term)"])
                } else if previous != nil {
                    logger.warning("lost the leadership to another collector", metadata: ["lease": "\(name)", "holder": "\(holder)"])
                }
            }
            return term != nil
        } catch {
            // The local validity runs out by itself; nothing to change until then.
            logger.warning("renewing the leader lease failed", metadata: ["lease": "\(name)", "error": "\(error.message)"])
            return isLeader
        }
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await renew()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.ttl / 3) }
        }
        let wasLeader = state.withLock { state in
            defer { state.term = nil }
            return state.term != nil
        }
        if wasLeader {
            try? await backend.releaseLease(name: name, holder: holder)
            logger.notice("released the leadership", metadata: ["lease": "\(name)", "holder": "\(holder)"])
        }
    }
}
