/// Whether this collector may do the fleet's singleton work now: the drift schedule, retention, fleet metrics, the
/// training queue, the rollout engine's steps and the learning loop.
///
/// The one hook for singleton work: a service holding a `Leadership` runs each round through ``leading(_:)``, which
/// skips the round when this collector does not lead and otherwise binds ``LeaderFence/current`` to the current term:
/// every PostgreSQL write of the round is then refused once another collector holds the lease, so two leaders for a
/// moment never both write (``PostgresStore/fenced(_:lease:holder:term:_:)`` does the same for one explicit write). With SQLite there is one collector and ``SoleLeadership`` always answers yes.
public protocol Leadership: Sendable {
    /// True while this collector holds the lease (with a safety margin before it expires).
    var isLeader: Bool { get }
    /// The lease's term while leader (it grows with every change of holder: a fencing token), nil otherwise.
    var term: Int64? { get }
    /// The fence for leader-only work started now (the lease, this holder, the current term); nil when not leading or
    /// when there is no lease to fence with. ``leading(_:)`` binds it around a round of leader-only work.
    var fence: LeaderFence? { get }
}

/// The only collector (SQLite): always the leader, term 1.
public struct SoleLeadership: Leadership {
    public init() {}
    public var isLeader: Bool { true }
    public var term: Int64? { 1 }
}
