/// A rollout as stored and served: the state machine's value is the record (one source of truth).
public typealias RolloutRecord = RolloutStateMachine
