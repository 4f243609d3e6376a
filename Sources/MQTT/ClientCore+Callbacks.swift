import CMosquitto
import Logging

/// libmosquitto callbacks. All run on the client's network thread, inside `mosquitto_loop`.
///
/// Pointers handed to a callback (topic, payload, property lists, granted QoS array) belong to
/// libmosquitto and are valid only until the callback returns, so everything is copied into Swift
/// values first. Callbacks never block: they update `state` briefly and hand results to Swift
/// concurrency through continuations.
extension ClientCore {
    func installCallbacks() {
        mosquitto_connect_v5_callback_set(handle) { _, userdata, code, flags, _ in
            ClientCore.from(userdata).handleConnack(code: code, flags: flags)
        }
        mosquitto_disconnect_v5_callback_set(handle) { _, userdata, code, _ in
            ClientCore.from(userdata).handleDisconnect(code: code)
        }
        mosquitto_publish_v5_callback_set(handle) { _, userdata, mid, reasonCode, _ in
            ClientCore.from(userdata).handleAcknowledgement(mid: mid, codes: [reasonCode])
        }
        mosquitto_subscribe_v5_callback_set(handle) { _, userdata, mid, count, granted, _ in
            let codes = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(max(count, 0)))) } ?? []
            ClientCore.from(userdata).handleSubscribeAcknowledgement(mid: mid, codes: codes)
        }
        mosquitto_unsubscribe_v5_callback_set(handle) { _, userdata, mid, _ in
            // libmosquitto 2.0 does not pass UNSUBACK reason codes on; an empty list means "done".
            ClientCore.from(userdata).handleAcknowledgement(mid: mid, codes: [])
        }
        mosquitto_message_v5_callback_set(handle) { _, userdata, message, properties in
            guard let message else { return }
            ClientCore.from(userdata).handleMessage(message.pointee, properties: properties)
        }
        if logger.logLevel <= .trace {
            // Only at trace: libmosquitto logs every packet, which is a hot path.
            mosquitto_log_callback_set(handle) { _, userdata, _, text in
                guard let text else { return }
                ClientCore.from(userdata).logger.trace("libmosquitto", metadata: ["mqtt.log": "\(String(cString: text))"])
            }
        }
    }

    /// CONNACK: on success re-subscribe, and report `.connected` once every SUBACK is in.
    func handleConnack(code: Int32, flags: Int32) {
        guard code == 0 else {
            state.withLock { $0.connackFailure = code }
            return
        }
        let subscriptions = state.withLock { state in
            state.connackReceived = true
            state.connectedThisRun = true
            state.reconnectAttempt = 0
            state.sessionPresent = flags & 1 != 0
            return state.subscriptions
        }
        // Any subscribe() that recorded a filter after this snapshot sees connackReceived and sends
        // it itself, so no filter is missed. Acks cannot race these registrations: they are
        // processed on this thread, after this callback returns.
        var pending: [Int32: String] = [:]
        for subscription in subscriptions {
            var mid: Int32 = 0
            let rc = subscription.filter.withCString {
                mosquitto_subscribe_v5(handle, &mid, $0, Int32(subscription.qos.rawValue), 0, nil)
            }
            do {
                try MQTTError.check(rc, .subscribe(filter: subscription.filter))
                pending[mid] = subscription.filter
            } catch {
                logger.error("MQTT re-subscribe failed", metadata: ["mqtt.filter": "\(subscription.filter)", "error": "\(error)"])
            }
        }
        let ready = state.withLock { state in
            state.resubscribePending = pending
            return pending.isEmpty
        }
        if ready { becomeReady() }
    }

    /// The connection is usable and subscribed: publish `.connected` and release waiting tasks.
    func becomeReady() {
        let (waiters, sessionPresent) = state.withLock { state in
            state.setConnectionState(.connected(sessionPresent: state.sessionPresent))
            let waiters = Array(state.readyWaiters.values)
            state.readyWaiters.removeAll()
            return (waiters, state.sessionPresent)
        }
        logger.info("MQTT connected", metadata: ["mqtt.session-present": "\(sessionPresent)"])
        for waiter in waiters {
            waiter.resume()
        }
    }

    func handleDisconnect(code: Int32) {
        let moot = state.withLock { state in
            state.disconnectCode = code
            state.connackReceived = false
            state.resubscribePending.removeAll()
            state.connectionEpoch &+= 1
            return state.takeConnectionScopedWaiters()
        }
        // Subscriptions stay recorded and are re-sent on the next CONNACK, so the callers are done.
        for waiter in moot {
            waiter.continuation.resume(returning: [])
        }
    }

    func handleSubscribeAcknowledgement(mid: Int32, codes: [Int32]) {
        let resubscribed: (filter: String, last: Bool)? = state.withLock { state in
            guard let filter = state.resubscribePending.removeValue(forKey: mid) else { return nil }
            return (filter, state.resubscribePending.isEmpty)
        }
        guard let resubscribed else {
            handleAcknowledgement(mid: mid, codes: codes)
            return
        }
        do {
            try MQTTError.check(reasonCode: codes.first ?? 0x80, .subscribe(filter: resubscribed.filter))
        } catch {
            // Kept recorded: an ACL change on the broker may allow it on the next connection.
            logger.error("MQTT re-subscribe rejected", metadata: ["mqtt.filter": "\(resubscribed.filter)", "error": "\(error)"])
        }
        if resubscribed.last { becomeReady() }
    }

    /// Hands PUBACK/SUBACK/UNSUBACK codes to the waiting task, or keeps them for one that is about
    /// to register (see `awaitAcknowledgement`).
    func handleAcknowledgement(mid: Int32, codes: [Int32]) {
        let waiter = state.withLock { state -> ClientState.AckWaiter? in
            if let waiter = state.ackWaiters.removeValue(forKey: mid) { return waiter }
            if state.callsInFlight > 0 { state.unclaimedAcks[mid] = codes }
            return nil
        }
        waiter?.continuation.resume(returning: codes)
    }

    func handleMessage(_ message: mosquitto_message, properties: OpaquePointer?) {
        let topic = String(cString: message.topic)
        let payload: [UInt8] = message.payloadlen > 0 && message.payload != nil
            ? Array(UnsafeRawBufferPointer(start: message.payload, count: Int(message.payloadlen)))
            : []
        let received = MQTTMessage(
            topic: topic, payload: payload, qos: MQTTQoS(rawValue: Int(message.qos)) ?? .atLeastOnce,
            retain: message.retain, userProperties: PropertyList.userProperties(in: properties))
        logger.trace("MQTT message received", metadata: ["mqtt.topic": "\(topic)", "mqtt.bytes": "\(payload.count)"])
        if case .dropped = messageContinuation.yield(received) {
            let dropped = droppedMessages.add(1, ordering: .relaxed).newValue
            // Powers of two only: a flood must not turn into a flood of log lines.
            if dropped & (dropped - 1) == 0 {
                logger.warning("MQTT message buffer full; dropping messages",
                               metadata: ["mqtt.dropped": "\(dropped)", "mqtt.buffer-size": "\(configuration.messageBufferSize)"])
            }
        }
    }
}
