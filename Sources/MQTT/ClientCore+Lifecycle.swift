import CMosquitto

/// Starting and stopping the network thread, and the end of the handle's life.
extension ClientCore {
    static let shutDownError = MQTTError(.shutDown, "the MQTT client has been shut down; create a new MQTTClient.")

    var notConnectedError: MQTTError {
        MQTTError(.notConnected, "the client is not connected to \(configuration.brokerDescription). Call connect() first.")
    }

    /// Starts a run if none is active and waits for `.connected`; see `MQTTClient.connect()`.
    func connect() async throws {
        while true {
            enum Action { case connected, waitForStop, start(UInt64), wait(UInt64) }
            let action: Result<Action, MQTTError> = state.withLock { state in
                if state.shutdownRequested { return .failure(Self.shutDownError) }
                switch state.lifecycle {
                case .stopping:
                    return .success(.waitForStop)
                case .running:
                    return .success(state.connectionState.isConnected ? .connected : .wait(state.runID))
                case .idle:
                    state.lifecycle = .running
                    state.runID &+= 1
                    state.connectedThisRun = false
                    state.reconnectAttempt = 0
                    state.lastRunError = nil
                    return .success(.start(state.runID))
                }
            }
            switch try action.get() {
            case .connected:
                return
            case .waitForStop:
                await waitUntilStopped()
            case .start(let runID):
                // A stop signalled to the previous run must not cut this run's first backoff short.
                wakeup.reset()
                do {
                    try NetworkThread.start { [self] in runNetworkLoop() }
                } catch {
                    state.withLock { $0.lifecycle = .idle }
                    throw error
                }
                try await waitUntilReady(runID: runID, stopRunOnCancel: true)
                return
            case .wait(let runID):
                try await waitUntilReady(runID: runID, stopRunOnCancel: true)
                return
            }
        }
    }

    /// Waits for the `.connected` state of run `runID`.
    ///
    /// Fails with the run's error if it ends first. Cancelling a `connect()` before the run has
    /// ever connected stops the run, so a cancelled connect never leaves a connection behind.
    func waitUntilReady(runID: UInt64, stopRunOnCancel: Bool) async throws {
        let token = state.withLock { $0.makeToken() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (immediate, stop): (Result<Void, any Error>?, Bool) = state.withLock { state in
                    if Task.isCancelled {
                        let stop = stopRunOnCancel && stopBeforeFirstConnection(&state)
                        return (.failure(CancellationError()), stop)
                    }
                    // Both: between on_disconnect and the loop's next state change the state still
                    // says connected, and a publish returning here would only spin back.
                    if state.connectionState.isConnected, state.connackReceived { return (.success(()), false) }
                    guard state.runID == runID, state.lifecycle == .running else {
                        return (.failure(state.runID == runID ? state.lastRunError ?? notConnectedError : notConnectedError), false)
                    }
                    state.readyWaiters[token] = continuation
                    return (nil, false)
                }
                if stop { nudgeStop() }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let (waiter, stop) = state.withLock { state in
                let waiter = state.readyWaiters.removeValue(forKey: token)
                let stop = waiter != nil && stopRunOnCancel && stopBeforeFirstConnection(&state)
                return (waiter, stop)
            }
            if stop { nudgeStop() }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func stopBeforeFirstConnection(_ state: inout ClientState) -> Bool {
        guard state.lifecycle == .running, !state.connectedThisRun else { return false }
        state.lifecycle = .stopping
        return true
    }

    /// Asks the running network thread to send DISCONNECT and end; see `MQTTClient.disconnect()`.
    func disconnect() async {
        let wait = state.withLock { state -> Bool in
            switch state.lifecycle {
            case .idle: return false
            case .stopping: return true
            case .running:
                state.lifecycle = .stopping
                return true
            }
        }
        guard wait else { return }
        nudgeStop()
        await waitUntilStopped()
    }

    /// Shortens the way to a stop already recorded as `.stopping`.
    ///
    /// The network thread would notice within one `select` timeout anyway; this wakes a backoff
    /// sleep at once and queues DISCONNECT, which libmosquitto allows from any thread in threaded
    /// mode (the write itself happens on the network thread).
    func nudgeStop() {
        let connected = state.withLock { state -> Bool in
            guard state.connackReceived, !state.destroyed else { return false }
            // Counted so the handle cannot be destroyed under this call.
            state.callsInFlight += 1
            return true
        }
        if connected {
            _ = mosquitto_disconnect_v5(handle, Int32(MQTT_RC_NORMAL_DISCONNECTION.rawValue), nil)
            state.withLock { $0.endCallInFlight() }
        }
        wakeup.signal()
    }

    /// Returns once no network thread is running. Not cancellable: the thread ends within a
    /// `select` timeout plus any blocking connect already under way.
    func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                guard state.lifecycle != .idle else { return true }
                state.stopWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Disconnects for good and destroys the handle; see `MQTTClient.shutdown()`.
    func shutdown() async {
        state.withLock { $0.shutdownRequested = true }
        await disconnect()
        while !tryDestroyHandle() {
            // A publish or subscribe that passed its gate before the shutdown is finishing its call.
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    /// The `MQTTClient` is gone: nobody can call `shutdown()` any more, so clean up from here.
    func clientDeinitialized() {
        let destroyNow = state.withLock { state -> Bool in
            state.shutdownRequested = true
            guard state.lifecycle != .idle else { return true }
            state.lifecycle = .stopping
            state.destroyWhenStopped = true
            return false
        }
        if destroyNow {
            destroyHandleBlocking()
        } else {
            // Only the signal: the thread may destroy the handle as soon as it sees `.stopping`, so
            // this thread must not call into libmosquitto. The thread sends DISCONNECT itself.
            wakeup.signal()
        }
    }
}
