/// The lease term that leader-only work runs under, carried task-locally so that every database write the work makes
/// is fenced by it without the role protocols knowing.
///
/// ``Leadership/leading(_:)`` binds ``current`` around one round of leader-only work (a rollout step, a learning-loop
/// pass, a training job, the drift schedule, retention). ``PostgresStore`` checks it at the start of every write
/// transaction: it reads the lease row `FOR SHARE` and refuses the write with `conflict` unless this holder still holds
/// the lease in this term. So a deposed leader's late write fails even before it notices it lost the lease, and a
/// takeover waits for a fenced transaction that already began. SQLite ignores it: one collector owns a SQLite file
/// (``SoleLeadership`` has no lease to fence with).
public struct LeaderFence: Sendable, Hashable {
    /// The lease's name (`leader_leases.name`).
    public let lease: String
    /// This collector's identity in the lease.
    public let holder: String
    /// The term the work started in: a fencing token that grows with every change of holder.
    public let term: Int64

    public init(lease: String, holder: String, term: Int64) {
        self.lease = lease
        self.holder = holder
        self.term = term
    }

    /// The fence of the leader-only work running in this task (and its child tasks); nil outside such work.
    @TaskLocal public static var current: LeaderFence?
}
