import CMosquitto
import Logging
import Synchronization

/// The object libmosquitto calls back into: owns the `struct mosquitto` handle and all shared state.
///
/// Lifetime: `create` passes `Unmanaged.passRetained(core)` as the mosquitto userdata, so callbacks
/// can reach the core without a global table. That +1 is released only in `tryDestroyHandle()`, after
/// the network thread has ended and `mosquitto_destroy` has returned, so no callback can ever see a
/// freed core. The network thread holds its own strong reference while it runs; `MQTTClient` holds
/// one for the user. Whoever observes the last of {client gone, thread ended} destroys the handle.
///
/// Threading: one network thread per run calls `mosquitto_connect`/`mosquitto_loop` and therefore
/// every callback. Other threads only call libmosquitto functions that are safe in threaded mode
/// (publish, subscribe, unsubscribe, disconnect). `state` is the only mutable Swift state.
final class ClientCore: Sendable {
    let configuration: MQTTConfiguration
    let logger: Logger
    /// The libmosquitto client. `nonisolated(unsafe)` because OpaquePointer is not Sendable; the
    /// threading rules above (threaded mode, connect/loop on one thread, destroy after it ends)
    /// are what make sharing it sound.
    nonisolated(unsafe) let handle: OpaquePointer
    let state = Mutex(ClientState())
    let wakeup = WakeupSignal()
    let messageStream: AsyncStream<MQTTMessage>
    let messageContinuation: AsyncStream<MQTTMessage>.Continuation
    let droppedMessages = Atomic<Int>(0)

    private init(configuration: MQTTConfiguration, logger: Logger, handle: OpaquePointer) {
        self.configuration = configuration
        self.logger = logger
        self.handle = handle
        let policy: AsyncStream<MQTTMessage>.Continuation.BufferingPolicy = switch configuration.overflowPolicy {
        case .dropNewest: .bufferingOldest(configuration.messageBufferSize)
        case .dropOldest: .bufferingNewest(configuration.messageBufferSize)
        }
        (messageStream, messageContinuation) = AsyncStream.makeStream(of: MQTTMessage.self, bufferingPolicy: policy)
    }

    /// Creates the libmosquitto handle, applies the configuration and wires the callbacks.
    static func create(configuration: MQTTConfiguration, logger: Logger) throws(MQTTError) -> ClientCore {
        try configuration.validate()
        try MosquittoLibrary.ensureInitialized()
        let id = configuration.clientID
        let created = id.isEmpty
            ? mosquitto_new(nil, configuration.cleanStart, nil)
            : id.withCString { mosquitto_new($0, configuration.cleanStart, nil) }
        guard let handle = created else {
            throw MQTTError(.outOfMemory, "creating the MQTT client failed: libmosquitto could not allocate it.")
        }
        do {
            try applyConfiguration(configuration, to: handle)
        } catch {
            mosquitto_destroy(handle)
            throw error
        }
        let core = ClientCore(configuration: configuration, logger: logger, handle: handle)
        mosquitto_user_data_set(handle, Unmanaged.passRetained(core).toOpaque())
        core.installCallbacks()
        return core
    }

    /// Recovers the core from libmosquitto's userdata inside a callback.
    ///
    /// Unretained: the +1 taken in `create` outlives every callback (see the type's lifetime notes).
    static func from(_ userdata: UnsafeMutableRawPointer?) -> ClientCore {
        Unmanaged<ClientCore>.fromOpaque(userdata!).takeUnretainedValue()
    }

    /// Destroys the libmosquitto handle and releases the userdata reference, once; returns false
    /// (doing nothing) while another thread is still inside a libmosquitto call, so the caller
    /// retries after a moment.
    ///
    /// Precondition: no network thread is running (so no callback can be in progress or follow),
    /// and nothing can start new calls (`shutdownRequested` is set, which every entry checks).
    func tryDestroyHandle() -> Bool {
        enum Outcome { case busy, alreadyDestroyed, destroy([AsyncStream<MQTTConnectionState>.Continuation]) }
        let outcome = state.withLock { state -> Outcome in
            guard !state.destroyed else { return .alreadyDestroyed }
            guard state.callsInFlight == 0 else { return .busy }
            precondition(state.lifecycle == .idle, "libmosquitto handle destroyed while its network thread runs")
            state.destroyed = true
            state.setConnectionState(.shutDown)
            defer { state.observers.removeAll() }
            return .destroy(Array(state.observers.values))
        }
        let observers: [AsyncStream<MQTTConnectionState>.Continuation]
        switch outcome {
        case .busy: return false
        case .alreadyDestroyed: return true
        case .destroy(let list): observers = list
        }
        mosquitto_destroy(handle)
        messageContinuation.finish()
        // Outside the lock: finish() runs onTermination, which takes the lock.
        for observer in observers {
            observer.finish()
        }
        // Balances passRetained in create(); the caller still holds a reference, so self stays valid.
        Unmanaged.passUnretained(self).release()
        return true
    }

    /// `tryDestroyHandle` until it succeeds, for threads that may block briefly (never a task).
    func destroyHandleBlocking() {
        while !tryDestroyHandle() {
            // Another thread is between two lines around a libmosquitto call; it is done in microseconds.
            wakeup.wait(for: .milliseconds(1))
        }
    }
}
