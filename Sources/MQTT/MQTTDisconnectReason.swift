/// Why a client is not connected, and whether it will try again by itself.
public struct MQTTDisconnectReason: Sendable, Hashable {
    /// What went wrong; nil when the connection ended because ``MQTTClient/disconnect()`` or
    /// ``MQTTClient/shutdown()`` was called.
    public var error: MQTTError?
    /// The delay before the next automatic attempt; nil when the client will not reconnect by itself
    /// (after a requested disconnect, or when the first ``MQTTClient/connect()`` attempt failed).
    public var reconnectDelay: Duration?

    /// Creates a reason (the client creates these; public for tests and simulators).
    public init(error: MQTTError?, reconnectDelay: Duration?) {
        self.error = error
        self.reconnectDelay = reconnectDelay
    }
}
