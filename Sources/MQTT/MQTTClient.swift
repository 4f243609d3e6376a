import Logging

/// An MQTT client over libmosquitto for the edge agent and the collector.
///
/// Threading: each connected client owns one OS thread that runs libmosquitto's network loop and
/// all of its callbacks; the async methods may be called from any task and never block a
/// cooperative thread on the network. Received messages are copied into Swift values on that
/// thread and delivered through ``messages``.
///
/// Reconnection: after the first successful ``connect()``, a lost connection is re-established
/// automatically with ``MQTTConfiguration/ReconnectBackoff``; recorded subscriptions are re-sent
/// before the state becomes ``MQTTConnectionState/connected(sessionPresent:)`` again, so a
/// service that re-publishes its birth message on that state is already listening.
///
/// Lifetime: call ``shutdown()`` when done. A client released without it stops its thread
/// (sending DISCONNECT) and frees libmosquitto's resources in the background.
public final class MQTTClient: Sendable {
    let core: ClientCore

    /// Every message received on any subscription; single consumer, bounded buffer.
    ///
    /// See ``MQTTMessages`` for the overflow policy. The sequence finishes after ``shutdown()``.
    public let messages: MQTTMessages

    /// The configuration the client was created with.
    public var configuration: MQTTConfiguration { core.configuration }

    /// Creates a client; nothing touches the network until ``connect()``.
    ///
    /// Throws ``MQTTError/Code-swift.enum/invalidConfiguration`` for values libmosquitto would
    /// refuse (port, keep-alive, TLS files that cannot be read, a will topic with wildcards, ...).
    /// The logger is used as given (the library never bootstraps logging), with the client ID
    /// and broker added as metadata.
    public init(configuration: MQTTConfiguration, logger: Logger) throws(MQTTError) {
        var logger = logger
        logger[metadataKey: "mqtt.client-id"] = "\(configuration.clientID)"
        logger[metadataKey: "mqtt.broker"] = "\(configuration.brokerDescription)"
        core = try ClientCore.create(configuration: configuration, logger: logger)
        messages = MQTTMessages(stream: core.messageStream)
    }

    deinit {
        core.clientDeinitialized()
    }

    /// Connects and returns once the broker accepted the client and subscriptions are in place.
    ///
    /// The first attempt's failure is thrown (host not found, connection refused, bad
    /// credentials, TLS) and the client stays disconnected, so a caller can retry with its own
    /// policy, for example ``MQTTConfiguration/ReconnectBackoff/delay(attempt:)``. Once connected,
    /// the client reconnects by itself until ``disconnect()``. Calling it while connected returns at
    /// once; while reconnecting it waits for the connection. Cancelling it before the first
    /// connection stops the attempt.
    public func connect() async throws {
        try await core.connect()
    }

    /// Sends DISCONNECT (so the broker discards the will) and stops reconnecting.
    ///
    /// Waiting QoS 1 publishes fail with ``MQTTError/Code-swift.enum/notConnected``; libmosquitto
    /// keeps those messages and may still send them after a later ``connect()``. Subscriptions
    /// stay recorded and are re-established by the next ``connect()``.
    public func disconnect() async {
        await core.disconnect()
    }

    /// Disconnects, frees libmosquitto's resources and finishes ``messages`` and ``stateChanges()``.
    ///
    /// Idempotent; every later call on the client throws ``MQTTError/Code-swift.enum/shutDown``.
    public func shutdown() async {
        await core.shutdown()
    }
}
