#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Lets the network thread sleep through a reconnection delay and be woken early by a stop request.
///
/// A POSIX condition variable rather than Swift concurrency because the waiter is a plain thread
/// that must not return to the loop until the delay is over or a stop is requested. The signal is
/// latched: a `signal()` that lands before `wait` makes the next `wait` return at once.
final class WakeupSignal: @unchecked Sendable {
    // Heap-allocated so the pthread objects never move; the class owns and destroys them.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    /// Guarded by `mutex`.
    private var signaled = false

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        #if os(Linux)
        // Measure the timeout on the monotonic clock so wall-clock jumps (NTP on a Pi that booted
        // without an RTC) cannot stretch or cut a backoff.
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        #else
        pthread_cond_init(condition, nil)
        #endif
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deinitialize(count: 1)
        condition.deallocate()
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Wakes the current or the next `wait`.
    func signal() {
        pthread_mutex_lock(mutex)
        signaled = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Sleeps for `duration` or until signalled; returns true when signalled.
    @discardableResult
    func wait(for duration: Duration) -> Bool {
        let (seconds, attoseconds) = max(duration, .zero).components
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        #if os(Linux)
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        var nanoseconds = Int(now.tv_nsec) + Int(attoseconds / 1_000_000_000)
        var deadline = timespec()
        deadline.tv_sec = now.tv_sec + Int(seconds) + nanoseconds / 1_000_000_000
        nanoseconds %= 1_000_000_000
        deadline.tv_nsec = nanoseconds
        while !signaled {
            if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
        }
        #else
        var relative = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        while !signaled {
            if pthread_cond_timedwait_relative_np(condition, mutex, &relative) == ETIMEDOUT { break }
        }
        #endif
        let wasSignaled = signaled
        signaled = false
        return wasSignaled
    }

    /// Forgets a signal nobody waited for, so a new run does not skip its first delay.
    func reset() {
        pthread_mutex_lock(mutex)
        signaled = false
        pthread_mutex_unlock(mutex)
    }
}
