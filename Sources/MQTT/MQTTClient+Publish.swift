extension MQTTClient {
    /// Publishes a message; with QoS 1 returns only once the broker has acknowledged it (PUBACK).
    ///
    /// - QoS 0 returns once libmosquitto has queued the packet, and throws
    ///   ``MQTTError/Code-swift.enum/notConnected`` while the client is not connected.
    /// - QoS 1 waits through a reconnect (the message is resent) until PUBACK, so a return means
    ///   the message left the device; throws ``MQTTError/Code-swift.enum/rejected`` or
    ///   ``MQTTError/Code-swift.enum/notAuthorized`` if the broker refused it (MQTT v5), and
    ///   ``MQTTError/Code-swift.enum/notConnected`` if ``disconnect()`` ends the wait. Cancelling
    ///   the task stops the wait, not the delivery: treat the message as not known to have left.
    ///
    /// `userProperties` are sent under MQTT v5 and ignored under v3.1.1.
    public func publish(
        topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false,
        userProperties: [MQTTUserProperty] = []
    ) async throws {
        try await core.publish(topic: topic, payload: payload, qos: qos, retain: retain, userProperties: userProperties)
    }
}
