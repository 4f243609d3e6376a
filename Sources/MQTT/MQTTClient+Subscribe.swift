extension MQTTClient {
    /// Subscribes to a topic filter (wildcards and MQTT v5 `$share/<group>/<filter>` allowed).
    ///
    /// The subscription is recorded and re-established on every connection. When connected, the
    /// call returns once the broker granted it (SUBACK) and throws
    /// ``MQTTError/Code-swift.enum/rejected`` or ``MQTTError/Code-swift.enum/notAuthorized`` if it
    /// refused (the filter is then forgotten). When not connected, it returns once recorded.
    /// Subscribing again to the same filter replaces its QoS. Messages arrive on ``messages``.
    public func subscribe(_ filter: String, qos: MQTTQoS = .atLeastOnce) async throws {
        try await core.subscribe(filter, qos: qos)
    }

    /// Removes a subscription; returns once the broker confirmed it (UNSUBACK) or, when not
    /// connected, once it is forgotten.
    public func unsubscribe(_ filter: String) async throws {
        try await core.unsubscribe(filter)
    }
}
