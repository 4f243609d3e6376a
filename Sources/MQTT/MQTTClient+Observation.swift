extension MQTTClient {
    /// The connection state right now.
    public var state: MQTTConnectionState {
        core.state.withLock { $0.connectionState }
    }

    /// How many received messages were discarded because ``messages`` was full.
    public var droppedMessageCount: Int {
        core.droppedMessages.load(ordering: .relaxed)
    }

    /// A new stream of connection states, starting with the current one.
    ///
    /// Each call returns an independent stream, so several services can watch. A slow watcher
    /// keeps the newest 32 states. The stream finishes after ``shutdown()``.
    public func stateChanges() -> AsyncStream<MQTTConnectionState> {
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTConnectionState.self, bufferingPolicy: .bufferingNewest(32))
        let core = self.core
        let token = core.state.withLock { $0.makeToken() }
        continuation.onTermination = { [weak core] _ in
            _ = core?.state.withLock { $0.observers.removeValue(forKey: token) }
        }
        let finished = core.state.withLock { state -> Bool in
            // Yielded under the lock so no change can slip in between the snapshot and registration.
            continuation.yield(state.connectionState)
            guard !state.destroyed else { return true }
            state.observers[token] = continuation
            return false
        }
        // Outside the lock: finish() runs onTermination, which takes the lock.
        if finished { continuation.finish() }
        return stream
    }
}
