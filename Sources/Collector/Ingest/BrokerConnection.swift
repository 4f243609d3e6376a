import Logging
import MQTT
import ServiceLifecycle

/// Owns the collector's MQTT connection: records subscriptions, connects (retrying the first attempt), and
/// disconnects last on shutdown.
///
/// It is the first service of the group, so it stops after every service that publishes through it.
public final class BrokerConnection: Service, Sendable {
    public let client: MQTTClient
    let subscriptions: [(filter: String, qos: MQTTQoS)]
    let logger: Logger

    public init(client: MQTTClient, subscriptions: [(filter: String, qos: MQTTQoS)], logger: Logger) {
        self.client = client
        self.subscriptions = subscriptions
        self.logger = logger
    }

    public func run() async throws {
        for subscription in subscriptions {
            // Not connected yet: recorded now, sent with every CONNECT from here on.
            try await client.subscribe(subscription.filter, qos: subscription.qos)
        }
        let backoff = client.configuration.reconnectBackoff
        let broker = "\(client.configuration.host):\(client.configuration.port)"
        do {
            try await cancelWhenGracefulShutdown {
                var attempt = 0
                while true {
                    do {
                        try await self.client.connect()
                        self.logger.info("connected to the MQTT broker", metadata: ["broker": "\(broker)", "attempts": "\(attempt + 1)"])
                        return
                    } catch let error as MQTTError {
                        if attempt == 0 || attempt.nonzeroBitCount == 1 {
                            self.logger.warning("cannot reach the MQTT broker yet; retrying",
                                                metadata: ["broker": "\(broker)", "attempt": "\(attempt + 1)", "error": "\(error.message)"])
                        }
                        try await Task.sleep(for: backoff.delay(attempt: attempt))
                        attempt += 1
                    }
                }
            }
        } catch is CancellationError {
            // Shut down before the broker was ever reached.
        }
        try? await gracefulShutdown()
        await client.shutdown()
        logger.info("disconnected from the MQTT broker", metadata: ["broker": "\(broker)"])
    }
}
