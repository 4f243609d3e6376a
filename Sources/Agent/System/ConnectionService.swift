import FleetProtocol
import Logging
import Metrics
import MQTT
import ServiceLifecycle

/// Owns the MQTT connection: connects (retrying the first connection with backoff), dispatches received
/// messages, announces the device on every connection, and says goodbye on a graceful shutdown.
///
/// First in the service group, so it is the last to stop: every other service has flushed into the disk queue
/// and the offline status goes out after them.
final class ConnectionService: Service {
    private let client: MQTTClient
    private let router: MessageRouter
    private let outbox: Outbox
    private let birth: @Sendable () -> Birth
    private let servingDigest: @Sendable () -> String?
    private let logger: Logger

    init(client: MQTTClient, router: MessageRouter, outbox: Outbox, birth: @escaping @Sendable () -> Birth,
         servingDigest: @escaping @Sendable () -> String?, logger: Logger) {
        self.client = client
        self.router = router
        self.outbox = outbox
        self.birth = birth
        self.servingDigest = servingDigest
        self.logger = logger
    }

    func run() async throws {
        for filter in router.subscriptions { try await client.subscribe(filter, qos: .atLeastOnce) }
        await withDiscardingTaskGroup { group in
            let client = self.client
            let router = self.router
            group.addTask {
                for await message in client.messages { router.route(message) }
            }
            group.addTask { await self.announceOnEveryConnection() }
            group.addTask { await self.connectUntilConnected() }
            try? await gracefulShutdown()
            await self.sayGoodbye()
            group.cancelAll()
        }
    }

    /// The first connection: one attempt per call to `connect()`, retried with the configured backoff.
    private func connectUntilConnected() async {
        var attempt = 0
        while !Task.isCancelled {
            do {
                try await client.connect()
                return
            } catch is CancellationError {
                return
            } catch {
                let delay = client.configuration.reconnectBackoff.delay(attempt: attempt)
                if attempt == 0 || attempt.nonzeroBitCount == 1 {
                    logger.warning("cannot reach the MQTT broker yet; retrying", metadata: [
                        "error": "\(error)", "attempt": "\(attempt + 1)", "retry-in": "\(delay)",
                    ])
                }
                attempt += 1
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// On every (re)connection: retained `online` status, then a birth message through the queue.
    private func announceOnEveryConnection() async {
        for await state in client.stateChanges() {
            guard case .connected = state else { continue }
            Counter(label: "edge_agent_connections_total").increment()
            let status = outbox.direct(DeviceStatus(state: .online, bundleDigest: servingDigest()))
            do {
                try await client.publish(topic: outbox.topics.status, payload: status, qos: .atLeastOnce, retain: true)
            } catch {
                logger.debug("online status not published", metadata: ["error": "\(error)"])
            }
            outbox.enqueue(birth())
        }
    }

    /// Retained `offline` status (a clean stop, so the broker will not publish the will), then disconnect.
    private func sayGoodbye() async {
        if client.state.isConnected {
            let status = outbox.direct(DeviceStatus(state: .offline, reason: "shutdown", bundleDigest: servingDigest()))
            let client = self.client
            let topic = outbox.topics.status
            // Bounded: a broker that vanished must not hold up the shutdown.
            let acknowledged = await withTaskGroup(of: Bool.self) { group in
                group.addTask { (try? await client.publish(topic: topic, payload: status, qos: .atLeastOnce, retain: true)) != nil }
                group.addTask { try? await Task.sleep(for: .seconds(5)); return false }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            if !acknowledged {
                logger.warning("offline status not acknowledged by the broker; the retained status may stay online")
            }
        } else {
            logger.notice("not connected at shutdown; the retained status is left to the broker's will")
        }
        await client.shutdown()
        logger.info("disconnected from the MQTT broker")
    }
}
