extension Leadership {
    /// No lease to fence with (``SoleLeadership``, test doubles): leader-only work runs unfenced.
    public var fence: LeaderFence? { nil }

    /// Runs one round of leader-only work if this collector leads now, with every write in it fenced by the current
    /// term (``LeaderFence/current``); returns nil without running `body` when it does not lead.
    ///
    /// Child tasks of `body` inherit the fence; a task group's child started elsewhere must bind it itself
    /// (`LeaderFence.$current.withValue(fence)`), as the training queue does for the jobs it runs.
    /// Runs on the caller's isolation (an actor such as the rollout engine passes its own), so `body` need not be `Sendable`.
    @discardableResult
    public func leading<T>(isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T) async rethrows -> T? {
        guard isLeader else { return nil }
        guard let fence else { return try await body() }
        return try await LeaderFence.$current.withValue(fence) { try await body() }
    }
}
