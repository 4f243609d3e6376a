/// Where a client's connection stands, as reported by ``MQTTClient/state`` and ``MQTTClient/stateChanges()``.
public enum MQTTConnectionState: Sendable, Hashable {
    /// Not connected; the reason is nil before the first ``MQTTClient/connect()``.
    case disconnected(MQTTDisconnectReason?)
    /// A connection attempt is under way (TCP, TLS, CONNECT, or re-subscribing after CONNACK).
    case connecting
    /// The broker accepted the connection and every recorded subscription is re-established.
    ///
    /// `sessionPresent` is the broker's flag: true when it kept the session from a previous
    /// connection (only possible with `cleanStart == false`).
    case connected(sessionPresent: Bool)
    /// ``MQTTClient/shutdown()`` has run; the client cannot be used again.
    case shutDown

    /// True in the ``connected(sessionPresent:)`` state.
    public var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }
}
