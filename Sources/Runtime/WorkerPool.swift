import Kernels
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A job the worker pool runs in parts, one part per thread.
///
/// `runPart` is called concurrently for distinct parts; implementations write disjoint outputs per part.
protocol ParallelJob: AnyObject {
    func runPart(_ part: Int, of parts: Int)
}

/// Persistent worker threads for intra-operator parallelism: created once with the interpreter, woken per
/// operator, never created per invoke.
///
/// `run` is called from the interpreter's thread only; it does part 0 itself and returns when every part is done.
/// Dispatch allocates nothing: the job is a class reference held for the duration of `run`.
///
/// Hand-over is by atomics, not by a condition variable per operator: a network has dozens of operators and a
/// futex wake costs tens of microseconds on a VM or a small board, which at two threads ate most of the gain on
/// MobileNetV2's small late layers. After each part a worker spins on the job counter for up to `spinNanoseconds`
/// (the gap to the next parallel operator is usually far shorter) and only then sleeps on the condition variable.
///
/// The interpreter calls `beginInvoke` at the start of each invoke: it wakes a sleeping worker before the first
/// operator, so the invoke's first parallel layer does not wait for the futex wake. Spinning longer during an
/// invoke was tried and dropped: on a loaded machine a worker that never sleeps loses the scheduler's wake-up
/// preference and is preempted mid-layer, which made two-thread medians far worse.
final class WorkerPool: @unchecked Sendable {
    /// Threads taking part in a job, the caller included.
    let threadCount: Int
    /// How long an idle worker polls for the next job before it sleeps.
    static let spinNanoseconds = 200_000

    private var mutex = pthread_mutex_t()
    private var wake = pthread_cond_t()
    private var threads: [pthread_t] = []
    /// Incremented (releasing) once `job` is set; workers acquire it before reading `job`.
    private let generation = Atomic<Int>(0)
    /// Parts not yet finished by workers.
    private let pending = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// Incremented by `beginInvoke`; a sleeping worker wakes on a change and goes back to spinning.
    private let nudges = Atomic<Int>(0)
    // Written by `run` before `generation` is released, read by workers after acquiring it.
    private var job: ParallelJob?

    /// Prepares `threadCount - 1` workers (none for 1); `start` creates them.
    init(threadCount: Int) {
        self.threadCount = max(threadCount, 1)
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&wake, nil)
    }

    /// Starts the worker threads; separate from `init` so no thread runs before the pool is fully built.
    func start() {
        guard threads.isEmpty, threadCount > 1 else { return }
        for index in 1..<threadCount {
            let context = Unmanaged.passRetained(WorkerContext(pool: self, index: index)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { raw in
                let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                context.pool.workerLoop(index: context.index)
                return nil
            }, context)
            precondition(status == 0, "pthread_create failed (\(status))")
            threads.append(thread)
        }
    }

    private final class WorkerContext {
        let pool: WorkerPool
        let index: Int
        init(pool: WorkerPool, index: Int) {
            self.pool = pool
            self.index = index
        }
    }

    /// Marks the start of an invoke: wakes sleeping workers so they spin before the first parallel operator.
    ///
    /// Called from the interpreter's thread only. Allocates nothing; with no sleeper it costs an uncontended
    /// mutex and a user-space broadcast.
    func beginInvoke() {
        guard threadCount > 1, !threads.isEmpty else { return }
        nudges.wrappingAdd(1, ordering: .relaxed)
        pthread_mutex_lock(&mutex)
        pthread_cond_broadcast(&wake)
        pthread_mutex_unlock(&mutex)
    }

    /// Runs every part of `job` and returns when all are finished.
    func run(_ job: ParallelJob) {
        guard threadCount > 1, !threads.isEmpty else {
            job.runPart(0, of: 1)
            return
        }
        self.job = job
        pending.store(threadCount - 1, ordering: .relaxed)
        generation.wrappingAdd(1, ordering: .releasing)
        // Sleeping workers re-check `generation` under the mutex before waiting, so this cannot be lost; with no
        // sleeper, broadcasting is a user-space no-op.
        pthread_mutex_lock(&mutex)
        pthread_cond_broadcast(&wake)
        pthread_mutex_unlock(&mutex)
        job.runPart(0, of: threadCount)
        var polls = 0
        while pending.load(ordering: .acquiring) > 0 {
            spinLoopHint()
            polls += 1
            if polls > 4096 { sched_yield() }   // a descheduled worker: give it the core
        }
        self.job = nil
    }

    private func workerLoop(index: Int) {
        var seen = 0
        var seenNudges = nudges.load(ordering: .relaxed)
        while true {
            var current = generation.load(ordering: .acquiring)
            if current == seen {
                let start = Self.now()
                var polls = 0
                while current == seen && !stopping.load(ordering: .relaxed) {
                    spinLoopHint()
                    polls += 1
                    if polls & 255 == 0 && Self.now() - start > Self.spinNanoseconds { break }
                    current = generation.load(ordering: .acquiring)
                }
            }
            if current == seen && !stopping.load(ordering: .relaxed) {
                // `beginInvoke` changes `nudges` before taking the mutex, so a nudge is never lost between the
                // check and the wait.
                pthread_mutex_lock(&mutex)
                while generation.load(ordering: .acquiring) == seen && nudges.load(ordering: .relaxed) == seenNudges
                        && !stopping.load(ordering: .relaxed) {
                    pthread_cond_wait(&wake, &mutex)
                }
                seenNudges = nudges.load(ordering: .relaxed)
                pthread_mutex_unlock(&mutex)
                current = generation.load(ordering: .acquiring)
                // Nudged awake for a coming invoke, no job yet: spin again.
                if current == seen && !stopping.load(ordering: .relaxed) { continue }
            }
            if stopping.load(ordering: .relaxed) { return }
            seen = current
            job?.runPart(index, of: threadCount)
            pending.wrappingSubtract(1, ordering: .releasing)
        }
    }

    private static func now() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return time.tv_sec * 1_000_000_000 + time.tv_nsec
    }

    /// Stops and joins the workers. Called by the interpreter's deinit.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        pthread_mutex_lock(&mutex)
        pthread_cond_broadcast(&wake)
        pthread_mutex_unlock(&mutex)
        for thread in threads { pthread_join(thread, nil) }
        threads.removeAll()
    }

    deinit {
        pthread_cond_destroy(&wake)
        pthread_mutex_destroy(&mutex)
    }
}
