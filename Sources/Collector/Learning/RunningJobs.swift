import Synchronization

/// How many training jobs are running: the queue's loop reads it, the jobs' tasks change it.
final class RunningJobs: Sendable {
    private let value = Mutex(0)

    var count: Int { value.withLock { $0 } }
    func add(_ delta: Int) { value.withLock { $0 += delta } }
}
