import CMosquitto
import Logging

/// The body of the network thread: connect, pump `mosquitto_loop`, back off, reconnect.
///
/// Our own loop rather than `mosquitto_loop_start`: libmosquitto's built-in reconnect has whole-
/// second, quadratic delays without jitter and gives up for good on errors that are transient on a
/// device (DNS failure, TLS handshake during clock skew, a refused CONNACK while the broker
/// restarts). Here every failure after the first successful CONNACK is retried with the configured
/// backoff until `disconnect()` or `shutdown()`.
extension ClientCore {
    /// What the loop does after a connection attempt or an established connection ends.
    private enum NextStep {
        case retry(after: Duration, attempt: Int)
        case stop
    }

    /// `select` timeout: the latest the loop notices a stop request whose DISCONNECT could not be
    /// sent by the caller; also bounds keep-alive jitter.
    private static let loopTimeoutMilliseconds: Int32 = 1000

    func runNetworkLoop() {
        var finalError: MQTTError?
        attempts: while true {
            let proceed = state.withLock { state -> Bool in
                guard state.lifecycle == .running else { return false }
                state.connackFailure = nil
                state.disconnectCode = nil
                state.setConnectionState(.connecting)
                return true
            }
            guard proceed else { break }

            var failure = connectOnce()
            if failure == nil {
                pumpUntilDisconnected()
                failure = connectionEndReason()
            }

            switch nextStep(after: failure) {
            case .retry(let delay, let attempt):
                let metadata: Logger.Metadata = ["mqtt.delay": "\(delay)", "error": "\(failure.map { "\($0)" } ?? "none")"]
                // One warning per outage; the attempts that follow are routine until it ends.
                if attempt == 0 {
                    logger.warning("MQTT connection lost; reconnecting", metadata: metadata)
                } else {
                    logger.debug("MQTT reconnection attempt failed", metadata: metadata.merging(["mqtt.attempt": "\(attempt)"]) { $1 })
                }
                wakeup.wait(for: delay)
            case .stop:
                finalError = failure
                break attempts
            }
        }
        finishRun(error: finalError)
    }

    /// Retry with backoff once this run has been connected; otherwise (stop requested, or the very
    /// first attempt failed, which `connect()` reports to its caller) stop.
    private func nextStep(after failure: MQTTError?) -> NextStep {
        state.withLock { state in
            guard state.lifecycle == .running, state.connectedThisRun else { return .stop }
            let attempt = state.reconnectAttempt
            let delay = configuration.reconnectBackoff.delay(attempt: attempt)
            state.reconnectAttempt += 1
            state.setConnectionState(.disconnected(MQTTDisconnectReason(error: failure, reconnectDelay: delay)))
            return .retry(after: delay, attempt: attempt)
        }
    }

    /// Ends a run: the thread no longer touches the handle after this, except to destroy it when
    /// the `MQTTClient` is already gone.
    private func finishRun(error: MQTTError?) {
        let (requested, readyWaiters, ackWaiters, stopWaiters, destroy) = state.withLock { state in
            let requested = state.lifecycle == .stopping
            state.lifecycle = .idle
            state.lastRunError = requested ? nil : error
            state.connackReceived = false
            state.resubscribePending.removeAll()
            state.connectionEpoch &+= 1
            state.setConnectionState(.disconnected(MQTTDisconnectReason(error: requested ? nil : error, reconnectDelay: nil)))
            let readyWaiters = Array(state.readyWaiters.values)
            state.readyWaiters.removeAll()
            let ackWaiters = Array(state.ackWaiters.values)
            state.ackWaiters.removeAll()
            let stopWaiters = state.stopWaiters
            state.stopWaiters.removeAll()
            return (requested, readyWaiters, ackWaiters, stopWaiters, state.destroyWhenStopped)
        }
        if requested {
            logger.info("MQTT disconnected")
        } else if let error {
            logger.debug("MQTT connect failed", metadata: ["error": "\(error)"])
        }
        let notReady = requested || error == nil
            ? MQTTError(.notConnected, "disconnect() was called before the connection to \(configuration.brokerDescription) was established.")
            : error!
        for waiter in readyWaiters {
            waiter.resume(throwing: notReady)
        }
        for waiter in ackWaiters {
            switch waiter.kind {
            case .publish:
                waiter.continuation.resume(throwing: MQTTError(.notConnected,
                    "the client disconnected before the broker acknowledged the message; libmosquitto keeps it and may still deliver it after the next connect()."))
            case .subscribe, .unsubscribe:
                waiter.continuation.resume(returning: [])
            }
        }
        if destroy { destroyHandleBlocking() }
        for waiter in stopWaiters {
            waiter.resume()
        }
    }

    /// One blocking connection attempt (DNS, TCP, TLS, CONNECT queued); nil when it went out.
    private func connectOnce() -> MQTTError? {
        var properties = PropertyList()
        do {
            if configuration.protocolVersion == .v5, let expiry = configuration.sessionExpiry {
                try properties.addSessionExpiry(seconds: UInt32(clamping: expiry.components.seconds))
            }
            let rc = configuration.host.withCString { host in
                mosquitto_connect_bind_v5(handle, host, Int32(configuration.port), configuration.keepAliveSeconds, nil, properties.head)
            }
            try MQTTError.check(rc, .connect(broker: configuration.brokerDescription))
            return nil
        } catch {
            return error
        }
    }

    /// Runs `mosquitto_loop` until the socket is gone, sending DISCONNECT once a stop is requested.
    private func pumpUntilDisconnected() {
        var disconnectSentAt: Int?
        var iteration = 0
        while true {
            let rc = mosquitto_loop(handle, Self.loopTimeoutMilliseconds, 1)
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                // Errors from select() itself leave on_disconnect uncalled; keep the loop's code then.
                state.withLock { state in
                    if state.disconnectCode == nil { state.disconnectCode = rc }
                }
                return
            }
            iteration += 1
            let stopping = state.withLock { $0.lifecycle == .stopping }
            if stopping {
                if let sentAt = disconnectSentAt {
                    // A broker that stops reading must not hold shutdown hostage; the socket is
                    // closed by the next connect or by mosquitto_destroy.
                    if iteration - sentAt > 5 { return }
                } else {
                    mosquitto_disconnect_v5(handle, Int32(MQTT_RC_NORMAL_DISCONNECTION.rawValue), nil)
                    disconnectSentAt = iteration
                }
            }
        }
    }

    /// Why the connection that just ended ended; nil for our own clean DISCONNECT.
    private func connectionEndReason() -> MQTTError? {
        let (connackFailure, disconnectCode) = state.withLock { ($0.connackFailure, $0.disconnectCode) }
        do {
            if let connackFailure {
                try MQTTError.check(connack: connackFailure, protocolVersion: configuration.protocolVersion,
                                    .connect(broker: configuration.brokerDescription))
            }
            guard let code = disconnectCode, code != 0 else { return nil }
            let operation = MosquittoOperation.connection(broker: configuration.brokerDescription)
            // on_disconnect passes libmosquitto error codes (small) or, when the broker sent
            // DISCONNECT under v5, its reason code (0x80 and up).
            if code >= 0x80 {
                try MQTTError.check(reasonCode: code, operation)
            } else {
                try MQTTError.check(code, operation)
            }
            return nil
        } catch {
            return error
        }
    }
}
