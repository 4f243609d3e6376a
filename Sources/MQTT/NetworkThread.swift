#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts the dedicated OS thread that runs a client's libmosquitto network loop.
///
/// A real thread, not a task: `mosquitto_connect` and `mosquitto_loop` block (DNS, TCP connect,
/// TLS handshake, select), and blocking one of the few cooperative-pool threads of a 4-core Pi
/// would stall every other task in the process.
enum NetworkThread {
    /// Carries the body across `pthread_create`'s `void *` argument.
    private final class Start {
        let body: () -> Void

        init(body: @escaping () -> Void) {
            self.body = body
        }
    }

    /// Runs `body` on a new detached thread.
    static func start(_ body: @escaping @Sendable () -> Void) throws(MQTTError) {
        // +1 owned by the new thread, which takes it back as its first act; on failure we take it back.
        let argument = Unmanaged.passRetained(Start(body: body)).toOpaque()
        #if os(Linux)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let result = pthread_create(&thread, nil, { raw in
            #if os(Linux)
            let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
            #else
            let start = Unmanaged<Start>.fromOpaque(raw).takeRetainedValue()
            #endif
            start.body()
            return nil
        }, argument)
        guard result == 0 else {
            Unmanaged<Start>.fromOpaque(argument).release()
            throw MQTTError(.outOfMemory, "creating the MQTT network thread failed (error \(result)). The process may be out of threads or memory.")
        }
        #if os(Linux)
        pthread_detach(thread)
        #else
        pthread_detach(thread!)
        #endif
    }
}
