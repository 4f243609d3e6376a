@testable import Collector
import FleetProtocol
import Foundation
import Logging
import MQTT
import Prometheus
import ServiceLifecycle
import Synchronization
import TestSupport
import XCTest

/// The acknowledgement publisher against a real broker: pipelined, bounded, and every stream ends at its highest number.
final class AckPublisherTests: XCTestCase {
    /// A running publisher on its own connection, and a device-side client that reads every acknowledgement.
    struct Rig {
        let broker: Mosquitto
        let publisher: AckPublisher
        let client: MQTTClient
        let group: ServiceGroup
        let running: Task<Void, any Error>
        let device: MQTTClient
        let watcher: AckWatcher

        init(maximumInFlight: Int) async throws {
            broker = try Mosquitto()
            var configuration = MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: "ack-publisher")
            configuration.sendMaximum = 1024
            client = try MQTTClient(configuration: configuration, logger: CollectorHarness.logger)
            try await client.connect()
            device = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: "ack-reader"),
                                    logger: CollectorHarness.logger)
            try await device.connect()
            try await device.subscribe("\(FleetProtocol.topicRoot)/dev/+/ack", qos: .atLeastOnce)
            watcher = AckWatcher(device)
            let metrics = CollectorMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry()))
            publisher = AckPublisher(client: client, qos: .atLeastOnce, metrics: metrics, logger: CollectorHarness.logger,
                                     maximumInFlight: maximumInFlight)
            group = ServiceGroup(configuration: .init(services: [publisher], logger: CollectorHarness.logger))
            let group = self.group
            running = Task { try await group.run() }
        }

        func stop() async {
            broker.resume()
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            await device.shutdown()
            await client.shutdown()
        }
    }

    static func acks(_ devices: Range<Int>, seq: UInt64) -> [StreamAcknowledgement] {
        devices.map { StreamAcknowledgement(deviceID: "dev-\($0)", stream: "s", seq: seq) }
    }

    /// A newer acknowledgement for a stream goes out while the previous one still waits for its PUBACK: under load the
    /// broker's PUBACKs queue behind the telemetry it delivers, and waiting for them stalled the devices' windows.
    func testANewerAcknowledgementDoesNotWaitForThePreviousPUBACK() async throws {
        let rig = try await Rig(maximumInFlight: 8)
        rig.broker.suspend()   // no PUBACK comes back while frozen
        rig.publisher.enqueue(Self.acks(0..<1, seq: 1))
        try await eventually("the first acknowledgement is in flight", timeout: 10) { rig.publisher.publishesInFlight == 1 }
        rig.publisher.enqueue(Self.acks(0..<1, seq: 2))
        try await eventually("the second is published before the first's PUBACK", timeout: 10) { rig.publisher.publishesInFlight == 2 }
        rig.broker.resume()
        try await eventually("both PUBACKs arrive and the device sees 2", timeout: 20) {
            rig.publisher.publishesInFlight == 0 && rig.watcher.highest == 2
        }
        await rig.stop()
    }

    /// At most `maximumInFlight` publishes wait for PUBACKs; the rest wait for a slot and still go out, newest per stream.
    func testInFlightPublishesAreBoundedAndEveryStreamEndsAtItsHighestNumber() async throws {
        let rig = try await Rig(maximumInFlight: 4)
        rig.broker.suspend()
        rig.publisher.enqueue(Self.acks(0..<10, seq: 5))
        try await eventually("four publishes fill the slots", timeout: 10) { rig.publisher.publishesInFlight == 4 }
        try await Task.sleep(for: .milliseconds(200))
        XCTAssertEqual(rig.publisher.publishesInFlight, 4, "no more than maximumInFlight may await a PUBACK")
        for seq in 6...40 { rig.publisher.enqueue(Self.acks(0..<10, seq: UInt64(seq))) }
        rig.broker.resume()
        try await eventually("every stream reaches 40", timeout: 30) {
            rig.publisher.publishesInFlight == 0 && rig.watcher.highestPerDevice == Dictionary(uniqueKeysWithValues: (0..<10).map { ("dev-\($0)", 40) })
        }
        await rig.stop()
    }
}
