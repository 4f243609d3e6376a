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
final class WorkerPool: @unchecked Sendable {
    /// Threads taking part in a job, the caller included.
    let threadCount: Int

    private var mutex = pthread_mutex_t()
    private var wake = pthread_cond_t()
    private var done = pthread_cond_t()
    private var threads: [pthread_t] = []
    // Guarded by `mutex`.
    private var job: ParallelJob?
    private var generation = 0
    private var pending = 0
    private var stopping = false

    /// Starts `threadCount - 1` workers (none for 1).
    init(threadCount: Int) {
        self.threadCount = max(threadCount, 1)
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&wake, nil)
        pthread_cond_init(&done, nil)
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

    /// Runs every part of `job` and returns when all are finished.
    func run(_ job: ParallelJob) {
        guard threadCount > 1, !threads.isEmpty else {
            job.runPart(0, of: 1)
            return
        }
        pthread_mutex_lock(&mutex)
        self.job = job
        generation &+= 1
        pending = threadCount - 1
        pthread_cond_broadcast(&wake)
        pthread_mutex_unlock(&mutex)
        job.runPart(0, of: threadCount)
        pthread_mutex_lock(&mutex)
        while pending > 0 { pthread_cond_wait(&done, &mutex) }
        self.job = nil
        pthread_mutex_unlock(&mutex)
    }

    private func workerLoop(index: Int) {
        var seen = 0
        while true {
            pthread_mutex_lock(&mutex)
            while generation == seen && !stopping { pthread_cond_wait(&wake, &mutex) }
            if stopping {
                pthread_mutex_unlock(&mutex)
                return
            }
            seen = generation
            let current = job
            pthread_mutex_unlock(&mutex)
            current?.runPart(index, of: threadCount)
            pthread_mutex_lock(&mutex)
            pending -= 1
            if pending == 0 { pthread_cond_signal(&done) }
            pthread_mutex_unlock(&mutex)
        }
    }

    /// Stops and joins the workers. Called by the interpreter's deinit.
    func stop() {
        pthread_mutex_lock(&mutex)
        stopping = true
        pthread_cond_broadcast(&wake)
        pthread_mutex_unlock(&mutex)
        for thread in threads { pthread_join(thread, nil) }
        threads.removeAll()
    }

    deinit {
        pthread_cond_destroy(&wake)
        pthread_cond_destroy(&done)
        pthread_mutex_destroy(&mutex)
    }
}
