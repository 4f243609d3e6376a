extension MQTTConfiguration {
    /// A Last Will: published by the broker when the client vanishes without disconnecting.
    public struct Will: Sendable, Hashable {
        /// The topic the broker publishes the will to; no wildcards.
        public var topic: String
        /// The will message itself, at most 65535 bytes.
        public var payload: [UInt8]
        /// The QoS the broker publishes the will with.
        public var qos: MQTTQoS
        /// Retained wills let late subscribers see that the device is offline (a status topic).
        public var retain: Bool

        /// Creates a will; QoS 1 by default so that subscribers do not miss it.
        public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atLeastOnce, retain: Bool = false) {
            self.topic = topic
            self.payload = payload
            self.qos = qos
            self.retain = retain
        }
    }
}
