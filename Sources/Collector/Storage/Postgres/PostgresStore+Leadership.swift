import Logging
import PostgresNIO

extension PostgresStore: LeaseBackend {
    /// Takes the lease when it is free or expired, renews it when `holder` has it; the database's clock decides.
    ///
    /// The term grows when the holder changes, so it fences: a write checked against (holder, term) by ``fenced(_:lease:holder:term:_:)``
    /// fails once another collector has taken over, even if the old leader has not noticed yet.
    public func acquireLease(name: String, holder: String, ttl: Duration) async throws(CollectorError) -> Int64? {
        let milliseconds = ttl.components.seconds * 1000 + ttl.components.attoseconds / 1_000_000_000_000_000
        let logger = self.logger
        return try await writing("taking the leader lease \(name)") { connection in
            let rows = try await Self.rows(connection, """
                INSERT INTO leader_leases (name, holder, term, expires_at, acquired_at)
                VALUES (\(name), \(holder), 1, clock_timestamp() + \(Double(milliseconds) / 1000) * interval '1 second', clock_timestamp())
                ON CONFLICT (name) DO UPDATE SET
                    term = CASE WHEN leader_leases.holder = excluded.holder THEN leader_leases.term ELSE leader_leases.term + 1 END,
                    acquired_at = CASE WHEN leader_leases.holder = excluded.holder THEN leader_leases.acquired_at ELSE excluded.acquired_at END,
                    holder = excluded.holder, expires_at = excluded.expires_at
                WHERE leader_leases.holder = excluded.holder OR leader_leases.expires_at < clock_timestamp()
                RETURNING term
                """, logger: logger)
            return try rows.first?.value(0, as: Int64.self)
        }
    }

    public func releaseLease(name: String, holder: String) async throws(CollectorError) {
        let logger = self.logger
        try await writing("releasing the leader lease \(name)") { connection in
            _ = try await connection.query("""
                UPDATE leader_leases SET expires_at = clock_timestamp() - interval '1 millisecond' WHERE name = \(name) AND holder = \(holder)
                """, logger: logger)
        }
    }

    /// The current holder and term of a lease, if it has not expired.
    public func leaseHolder(name: String) async throws(CollectorError) -> (holder: String, term: Int64)? {
        let logger = self.logger
        let row = try await reading("reading the leader lease \(name)") { connection -> [String] in
            guard let row = try await Self.rows(connection, """
                SELECT holder, term FROM leader_leases WHERE name = \(name) AND expires_at > clock_timestamp()
                """, logger: logger).first else { return [] }
            return [try row.value(0, as: String.self), String(try row.value(1, as: Int64.self))]
        }
        guard row.count == 2, let term = Int64(row[1]) else { return nil }
        return (row[0], term)
    }

    /// Runs `body` in one transaction only while `holder` still holds `lease` in `term`: the leader's singleton writes.
    ///
    /// The lease row is read `FOR SHARE`, so a collector taking over (an `UPDATE` of that row) waits until this
    /// transaction ends: a write that started under a valid lease commits before the next term begins, and one that
    /// starts after the lease was lost fails with `conflict` and changes nothing. Leader-only services need not call
    /// it: ``Leadership/leading(_:)`` binds a ``LeaderFence`` that every write transaction checks the same way.
    public func fenced<T: Sendable>(_ action: String, lease name: String, holder: String, term: Int64,
                                    _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws(CollectorError) -> T {
        let result: Result<T, CollectorError> = await LeaderFence.$current.withValue(LeaderFence(lease: name, holder: holder, term: term)) {
            do throws(CollectorError) { return .success(try await self.writing(action, body)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Locks the lease row `FOR SHARE` if `fence` still holds it (unexpired, same holder and term); else `conflict`.
    static func check(_ fence: LeaderFence, _ connection: PostgresConnection, _ action: String, logger: Logger) async throws {
        let valid = try await rows(connection, """
            SELECT 1 FROM leader_leases
            WHERE name = \(fence.lease) AND holder = \(fence.holder) AND term = \(fence.term) AND expires_at > clock_timestamp() FOR SHARE
            """, logger: logger)
        guard !valid.isEmpty else {
            throw CollectorError(.conflict,
                "\(action) refused: this collector no longer leads (lease \(fence.lease), term \(fence.term)); the new leader does it")
        }
    }
}
