import Synchronization

/// Set once a pooled connection was handed to a request: the lease timeout no longer applies.
final class LeaseStarted: Sendable {
    let flag = Atomic<Bool>(false)
}
