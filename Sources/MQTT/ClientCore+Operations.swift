import CMosquitto

/// Publish, subscribe and unsubscribe, and waiting for the broker's acknowledgements.
///
/// libmosquitto assigns the message id inside `mosquitto_publish`/`_subscribe`, and the network
/// thread may process the acknowledgement before the caller has registered for it. Rather than
/// holding our lock across the call (which would order our lock before libmosquitto's internal
/// ones and invite deadlock), a caller counts itself in `callsInFlight` first; acknowledgements
/// that find no waiter while calls are in flight are parked in `unclaimedAcks` for the caller to
/// claim, and discarded when the count returns to zero.
extension ClientCore {
    /// MQTT's remaining-length limit. The usable maximum is a little lower (topic, headers) and
    /// may be lowered by the broker; libmosquitto checks both and reports them through `check`.
    static let maximumPayloadSize = 268_435_455

    func publish(topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool,
                 userProperties: [MQTTUserProperty]) async throws {
        let operation = MosquittoOperation.publish(topic: topic)
        guard payload.count <= Self.maximumPayloadSize else {
            throw MQTTError(.invalidArgument, "publishing to '\(topic)' failed: the payload of \(payload.count) bytes exceeds MQTT's limit of \(Self.maximumPayloadSize) bytes.")
        }
        var runID: UInt64 = 0
        while true {
            enum Gate { case send(UInt64), waitForConnection(UInt64), fail(MQTTError) }
            let gate: Gate = state.withLock { state in
                if state.shutdownRequested { return .fail(Self.shutDownError) }
                guard state.lifecycle == .running else { return .fail(notConnectedError) }
                guard state.connackReceived else { return .waitForConnection(state.runID) }
                state.callsInFlight += 1
                return .send(state.runID)
            }
            switch gate {
            case .send(let id):
                runID = id
            case .fail(let error):
                throw error
            case .waitForConnection(let id):
                guard qos == .atLeastOnce else {
                    throw MQTTError(.notConnected, "publishing to '\(topic)' failed: the client is reconnecting to \(configuration.brokerDescription) and QoS 0 messages are not queued.")
                }
                // QoS 1 rides out a reconnect: the caller wants to know when the message has left.
                try await waitUntilReady(runID: id, stopRunOnCancel: false)
                continue
            }
            break
        }

        var mid: Int32 = 0
        var rc: Int32 = 0
        do {
            var properties = PropertyList()
            if configuration.protocolVersion == .v5, !userProperties.isEmpty {
                try properties.add(userProperties, operation)
            }
            rc = topic.withCString { topicPointer in
                payload.withUnsafeBytes { bytes in
                    mosquitto_publish_v5(handle, &mid, topicPointer, Int32(bytes.count), bytes.baseAddress,
                                         Int32(qos.rawValue), retain, properties.head)
                }
            }
            // The connection dropped between our check and the call. libmosquitto has nonetheless
            // queued a QoS 1 message and sends it after reconnecting, so wait for its PUBACK.
            if !(qos == .atLeastOnce && rc == MOSQ_ERR_NO_CONN.rawValue) {
                try MQTTError.check(rc, operation)
            }
        } catch {
            state.withLock { $0.endCallInFlight() }
            throw error
        }

        guard qos == .atLeastOnce else {
            state.withLock { state in
                // A QoS 0 "sent" notification may have been parked for us; nobody else will claim it.
                state.unclaimedAcks.removeValue(forKey: mid)
                state.endCallInFlight()
            }
            return
        }
        let codes = try await awaitAcknowledgement(mid: mid, kind: .publish, runID: runID, epoch: nil)
        try MQTTError.check(reasonCode: codes.first ?? 0, operation)
    }

    func subscribe(_ filter: String, qos: MQTTQoS) async throws {
        let operation = MosquittoOperation.subscribe(filter: filter)
        try validateFilter(filter, operation)
        // Recorded first: from here on every (re)connection establishes it.
        let send: Result<(runID: UInt64, epoch: UInt64)?, MQTTError> = state.withLock { state in
            if state.shutdownRequested { return .failure(Self.shutDownError) }
            state.recordSubscription(filter, qos: qos)
            guard state.lifecycle == .running, state.connackReceived else { return .success(nil) }
            state.callsInFlight += 1
            return .success((state.runID, state.connectionEpoch))
        }
        guard let (runID, epoch) = try send.get() else { return }

        var mid: Int32 = 0
        let rc = filter.withCString { mosquitto_subscribe_v5(handle, &mid, $0, Int32(qos.rawValue), 0, nil) }
        if rc == MOSQ_ERR_NO_CONN.rawValue {
            // The connection just ended; the next CONNACK re-sends every recorded subscription.
            state.withLock { $0.endCallInFlight() }
            return
        }
        do {
            try MQTTError.check(rc, operation)
        } catch {
            state.withLock { state in
                state.endCallInFlight()
                state.forgetSubscription(filter)
            }
            throw error
        }
        let codes = try await awaitAcknowledgement(mid: mid, kind: .subscribe, runID: runID, epoch: epoch)
        // No codes: the connection ended first, and the subscription is re-sent on reconnect.
        guard let granted = codes.first else { return }
        do {
            try MQTTError.check(reasonCode: granted, operation)
        } catch {
            state.withLock { $0.forgetSubscription(filter) }
            throw error
        }
    }

    func unsubscribe(_ filter: String) async throws {
        let operation = MosquittoOperation.unsubscribe(filter: filter)
        try validateFilter(filter, operation)
        let send: Result<(runID: UInt64, epoch: UInt64)?, MQTTError> = state.withLock { state in
            if state.shutdownRequested { return .failure(Self.shutDownError) }
            state.forgetSubscription(filter)
            guard state.lifecycle == .running, state.connackReceived else { return .success(nil) }
            state.callsInFlight += 1
            return .success((state.runID, state.connectionEpoch))
        }
        guard let (runID, epoch) = try send.get() else { return }

        var mid: Int32 = 0
        let rc = filter.withCString { mosquitto_unsubscribe_v5(handle, &mid, $0, nil) }
        if rc == MOSQ_ERR_NO_CONN.rawValue {
            state.withLock { $0.endCallInFlight() }
            return
        }
        do {
            try MQTTError.check(rc, operation)
        } catch {
            state.withLock { $0.endCallInFlight() }
            throw error
        }
        _ = try await awaitAcknowledgement(mid: mid, kind: .unsubscribe, runID: runID, epoch: epoch)
    }

    private func validateFilter(_ filter: String, _ operation: MosquittoOperation) throws(MQTTError) {
        guard !filter.isEmpty else {
            throw MQTTError(.invalidArgument, "\(operation.summary) failed: the topic filter is empty.")
        }
        try MQTTError.check(filter.withCString { mosquitto_sub_topic_check($0) }, operation)
    }

    /// Waits for the acknowledgement of `mid`, ending the caller's call in flight.
    ///
    /// `epoch` is the connection the packet went out on; SUBACK/UNSUBACK waits registered after
    /// that connection ended return `[]` at once (the subscription state is re-sent anyway).
    private func awaitAcknowledgement(mid: Int32, kind: ClientState.AckWaiter.Kind, runID: UInt64,
                                      epoch: UInt64?) async throws -> [Int32] {
        let token = state.withLock { $0.makeToken() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[Int32], any Error>) in
                let immediate: Result<[Int32], any Error>? = state.withLock { state in
                    defer { state.endCallInFlight() }
                    if let codes = state.unclaimedAcks.removeValue(forKey: mid) { return .success(codes) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    guard state.runID == runID, state.lifecycle != .idle else {
                        return kind == .publish ? .failure(notConnectedError) : .success([])
                    }
                    if let epoch, epoch != state.connectionEpoch { return .success([]) }
                    state.ackWaiters[mid] = ClientState.AckWaiter(token: token, kind: kind, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> ClientState.AckWaiter? in
                guard let entry = state.ackWaiters.first(where: { $0.value.token == token }) else { return nil }
                state.ackWaiters.removeValue(forKey: entry.key)
                return entry.value
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }
}
