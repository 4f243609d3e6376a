#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs blocking work on its own POSIX thread and lets an async caller await its end.
///
/// The inference loop blocks (on input, on `invoke`) for as long as it runs; on its own thread it never
/// occupies one of the few cooperative-pool threads the services' tasks need.
enum DedicatedThread {
    private final class Context {
        let name: String
        let body: () -> Void

        init(name: String, body: @escaping () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Starts `body` on a new thread and returns when it ends; `name` says what the thread is for (diagnostics).
    static func run(name: String, _ body: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let context = Context(name: name) {
                body()
                continuation.resume()
            }
            let raw = Unmanaged.passRetained(context).toOpaque()
            var thread = pthread_t()
            let result = pthread_create(&thread, nil, { argument in
                let context = Unmanaged<Context>.fromOpaque(argument!).takeRetainedValue()
                context.body()
                return nil
            }, raw)
            if result == 0 {
                pthread_detach(thread)
            } else {
                // No thread to be had: run inline rather than not at all.
                Unmanaged<Context>.fromOpaque(raw).takeRetainedValue().body()
            }
        }
    }
}

extension DedicatedThread {
    /// Runs `body` on a new thread and returns its result: for long synchronous work (verification, inflation,
    /// health checks) that should not occupy a cooperative-pool thread.
    static func compute<T: Sendable>(name: String, _ body: @escaping @Sendable () -> T) async -> T {
        let box = ResultBox<T>()
        await run(name: name) { box.value = body() }
        return box.value!
    }

    /// Written by the worker thread before the awaiting task resumes (the continuation orders the two).
    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }
}
