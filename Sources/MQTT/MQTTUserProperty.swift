/// An MQTT v5 user property: a UTF-8 name/value pair carried with a message.
///
/// Names may repeat and order is preserved, as the protocol allows. Ignored under MQTT v3.1.1.
public struct MQTTUserProperty: Sendable, Hashable {
    /// The property name; names may repeat.
    public var name: String
    /// The property value.
    public var value: String

    /// Creates a user property.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
