/// Whether this collector may do the fleet's singleton work now: the drift schedule, retention, fleet metrics, the
/// training queue, the rollout engine's steps and the learning loop.
///
/// The one hook for singleton work: a service holding a `Leadership` checks ``isLeader`` at the start of each round
/// and skips the round when it is false; a write that must not happen after leadership is lost (two leaders for a
/// moment) also passes ``term`` to ``PostgresStore/fenced(_:lease:term:_:)``, which refuses it once another collector
/// holds the lease. With SQLite there is one collector and ``SoleLeadership`` always answers yes.
public protocol Leadership: Sendable {
    /// True while this collector holds the lease (with a safety margin before it expires).
    var isLeader: Bool { get }
    /// The lease's term while leader (it grows with every change of holder: a fencing token), nil otherwise.
    var term: Int64? { get }
}

/// The only collector (SQLite): always the leader, term 1.
public struct SoleLeadership: Leadership {
    public init() {}
    public var isLeader: Bool { true }
    public var term: Int64? { 1 }
}
