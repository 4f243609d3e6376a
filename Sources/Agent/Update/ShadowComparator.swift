/// Shadow mode: the candidate runs beside the serving model on live inputs for a while, and the inference loop
/// counts how often their top classes agree. The I/O of the `shadow` phase.
struct ShadowComparator: Sendable {
    var switchboard: ModelSwitchboard
    var board: StatisticsBoard

    /// Runs `candidate` as the shadow for `seconds`, then removes it; the agreement counts.
    ///
    /// Throws `CancellationError` when the loop stopped or the task was cancelled (the shadow is removed).
    func compare(_ candidate: ModelHandle, seconds: Double) async throws -> UpdateStateMachine.Outcome {
        let result = await switchboard.setShadow(candidate)
        if result.stopped { throw CancellationError() }
        do {
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
        } catch {
            _ = await switchboard.setShadow(nil)
            throw error
        }
        let (compared, agreed) = board.shadowCounts
        _ = await switchboard.setShadow(nil)
        return .shadowed(compared: compared, agreed: agreed)
    }
}
