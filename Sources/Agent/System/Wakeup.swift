import Synchronization

/// A resettable signal that one task at a time waits on with a timeout; any thread may signal it.
///
/// Signals do not accumulate: several before a wait wake it once. Used where a service sleeps until there is
/// work (a queued message, an acknowledgement, a chunk) or a deadline passes.
final class Wakeup: Sendable {
    private struct State {
        var signalled = false
        var waiter: CheckedContinuation<Bool, Never>?
        var waiterID: UInt64 = 0
        var cancelledID: UInt64 = 0
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    init() {}

    /// Wakes the waiting task, or the next one to wait.
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.signalled = true
            return nil
        }
        waiter?.resume(returning: true)
    }

    /// Waits until signalled (true), or until `timeout` passes or the task is cancelled (false).
    func wait(timeout: Duration) async -> Bool {
        let already = state.withLock { state -> Bool in
            defer { state.signalled = false }
            return state.signalled
        }
        if already { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitForSignal() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    private func waitForSignal() async -> Bool {
        let id = state.withLock { state -> UInt64 in
            state.nextID &+= 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate = state.withLock { state -> Bool? in
                    if state.signalled {
                        state.signalled = false
                        return true
                    }
                    if state.cancelledID == id { return false }
                    state.waiter = continuation
                    state.waiterID = id
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                if state.waiterID == id, let waiter = state.waiter {
                    state.waiter = nil
                    return waiter
                }
                state.cancelledID = id
                return nil
            }
            waiter?.resume(returning: false)
        }
    }
}
