import Synchronization

/// The training jobs running in this collector: the queue's loop reads them (how many, and which ones recovery must
/// leave alone), the jobs' tasks add and remove themselves.
final class RunningJobs: Sendable {
    private let ids = Mutex<Set<Int64>>([])

    var count: Int { ids.withLock { $0.count } }
    func contains(_ id: Int64) -> Bool { ids.withLock { $0.contains(id) } }
    func insert(_ id: Int64) { ids.withLock { _ = $0.insert(id) } }
    func remove(_ id: Int64) { ids.withLock { _ = $0.remove(id) } }
}
