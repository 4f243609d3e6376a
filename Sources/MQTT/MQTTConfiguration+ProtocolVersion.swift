extension MQTTConfiguration {
    /// The MQTT protocol revision spoken on the wire.
    public enum ProtocolVersion: Sendable, Hashable, CaseIterable {
        /// MQTT 5.0: reason codes, user properties, shared subscriptions, session expiry.
        case v5
        /// MQTT 3.1.1, for brokers that do not speak v5; user properties and session expiry are ignored.
        case v311
    }
}
