/// Where a ``LeaderLease`` lives: a compare-and-set on a lease with an expiry, in time the backend keeps
/// (``PostgresStore`` implements it on the `leader_leases` table).
public protocol LeaseBackend: Sendable {
    /// Takes or renews `name` for `holder` for `ttl`; returns the term when `holder` holds it afterwards, nil when another does.
    func acquireLease(name: String, holder: String, ttl: Duration) async throws(CollectorError) -> Int64?
    /// Gives up `name` if `holder` holds it, so another collector need not wait for the expiry.
    func releaseLease(name: String, holder: String) async throws(CollectorError)
}
