/// A message received on one of the client's subscriptions, copied out of libmosquitto's memory.
public struct MQTTMessage: Sendable, Hashable {
    /// The topic the message was published to (not the filter that matched it).
    public var topic: String
    /// The message body, copied out of libmosquitto's buffer.
    public var payload: [UInt8]
    /// The QoS the message was delivered with: the lower of the publish and subscription QoS.
    public var qos: MQTTQoS
    /// True when the broker sent a stored retained message (for example on subscribe).
    public var retain: Bool
    /// MQTT v5 user properties, in the order the publisher sent them; empty under v3.1.1.
    public var userProperties: [MQTTUserProperty]

    /// Creates a message (the client creates these; public for tests and simulators).
    public init(
        topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false,
        userProperties: [MQTTUserProperty] = []
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.userProperties = userProperties
    }
}
