import Collector
import FleetProtocol
import FleetSim
import Foundation
import Logging
import MQTT
import TestSupport
import XCTest

/// Ingest end to end inside the test process: real broker, real SQLite, simulated devices and raw clients.
final class IngestTests: XCTestCase {
    /// A raw MQTT client for publishing what an agent (or an attacker) would.
    func rawClient(_ harness: CollectorHarness, id: String = "raw-\(UUID().uuidString.prefix(6))") async throws -> MQTTClient {
        let client = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: harness.broker.port, clientID: id),
                                    logger: CollectorHarness.logger)
        try await client.connect()
        return client
    }

    func simulator(_ harness: CollectorHarness, devices: Int, rate: Double, prefix: String = "sim", resendAfter: Duration = .seconds(3)) throws -> FleetSimulator {
        try FleetSimulator(settings: SimulationSettings(port: harness.broker.port, devices: devices, prefix: prefix, reportsPerSecond: rate,
                                                        resendAfter: resendAfter), logger: CollectorHarness.logger)
    }

    /// Runs `simulator` for `seconds`, stops generating and waits for every acknowledgement.
    func drive(_ simulator: FleetSimulator, seconds: Double, during: (() async throws -> Void)? = nil, drain: Duration = .seconds(90)) async throws {
        let running = Task { await simulator.run() }
        defer { running.cancel() }
        try await Task.sleep(for: .milliseconds(Int64(seconds * 500)))
        try await during?()
        try await Task.sleep(for: .milliseconds(Int64(seconds * 500)))
        simulator.stopGenerating()
        let acknowledged = await simulator.waitUntilAcknowledged(timeout: drain)
        XCTAssertTrue(acknowledged, "not every message was acknowledged: \(simulator.statistics)")
        running.cancel()
        await running.value
    }

    /// Every generated telemetry report is stored exactly once (births are the other queued messages).
    func assertStoredOnce(_ harness: CollectorHarness, _ simulator: FleetSimulator, file: StaticString = #filePath, line: UInt = #line) async throws {
        for device in simulator.devices {
            let statistics = device.statistics
            let stored = try await harness.store.telemetryCount(deviceID: device.id)
            let acked = try await harness.store.acknowledged(deviceID: device.id, stream: device.stream)
            XCTAssertEqual(acked, statistics.generated, "acknowledged prefix of \(device.id)", file: file, line: line)
            XCTAssertEqual(UInt64(stored) + 1 + UInt64(statistics.installed) * 9, statistics.generated,
                           "\(device.id): telemetry rows + birth must equal the messages generated (no loss, no duplicate)", file: file, line: line)
        }
    }

    func testSimulatedFleetIsStoredOnceAndAcknowledged() async throws {
        let harness = try CollectorHarness()
        try await harness.start()
        let simulator = try simulator(harness, devices: 5, rate: 20)
        try await drive(simulator, seconds: 3)
        try await assertStoredOnce(harness, simulator)
        XCTAssertEqual(harness.collector.ingest.rejectedMessages, 0, "the simulator's telemetry must be valid protocol")
        let devices = try await harness.store.devices(DeviceFilter())
        XCTAssertEqual(devices.map(\.id), simulator.devices.map(\.id).sorted())
        XCTAssertTrue(devices.allSatisfy { $0.profile != nil && $0.latest != nil })
        XCTAssertGreaterThan(harness.metric("edgefleet_collector_messages_stored_total"), 250)
        XCTAssertGreaterThan(harness.metric("edgefleet_collector_acks_published_total"), 0)
        await harness.stop()
    }

    func testMalformedMessagesAreCountedAndDoNotBlockTheStream() async throws {
        let harness = try CollectorHarness { $0.ingest.maximumPayloadBytes = 4096 }
        try await harness.start()
        let client = try await rawClient(harness, id: "dev-ok")
        try await client.subscribe("edgefleet/v1/dev/dev-ok/ack")
        let topic = "edgefleet/v1/dev/dev-ok/telemetry"
        let good = try Messages.telemetryPayload(device: "dev-ok", seq: 1)
        var wrongTypes = String(decoding: good, as: UTF8.self)
        wrongTypes = wrongTypes.replacingOccurrences(of: "\"seq\":1", with: "\"seq\":\"one\"")
        let bad: [(String, [UInt8])] = [
            (topic, Array("{not json".utf8)),
            (topic, Array(wrongTypes.utf8)),
            (topic, [UInt8](repeating: 0x7B, count: 5000)),
            (topic, try Messages.telemetryPayload(device: "someone-else", seq: 1)),
            (topic, Array(String(decoding: good, as: UTF8.self).replacingOccurrences(of: "\"v\":1", with: "\"v\":99").utf8)),
            (topic, try Messages.telemetryPayload(device: "dev-ok", seq: 0)),
            ("edgefleet/v1/dev/dev-ok/events", good),
            ("edgefleet/v1/dev/bad device/telemetry", good),
            ("edgefleet/v1/dev/dev-ok/birth", Array("[]".utf8)),
        ]
        for (badTopic, payload) in bad {
            try await client.publish(topic: badTopic, payload: payload, qos: .atLeastOnce)
        }
        let watcher = AckWatcher(client)
        try await client.publish(topic: topic, payload: good, qos: .atLeastOnce)
        try await eventually("the valid message after the bad ones is stored and acknowledged", timeout: 30) { watcher.highest == 1 }
        try await eventually("every bad message is counted", timeout: 20) { harness.collector.ingest.rejectedMessages >= bad.count }
        XCTAssertEqual(harness.collector.ingest.rejectedMessages, bad.count)
        for reason in ["invalidMessage", "oversized", "deviceMismatch", "unsupportedVersion", "invalidSequence", "kindMismatch", "invalidTopic"] {
            XCTAssertGreaterThan(harness.metric("edgefleet_collector_messages_rejected_total", labels: "reason=\"\(reason)\""), 0, reason)
        }
        let stored = try await harness.store.telemetryCount(deviceID: "dev-ok")
        XCTAssertEqual(stored, 1)
        await client.shutdown()
        await harness.stop()
    }

    func testReplayedSequenceNumbersAreStoredOnceAndAcknowledgedAgain() async throws {
        let harness = try CollectorHarness()
        try await harness.start()
        let client = try await rawClient(harness, id: "replayer")
        try await client.subscribe("edgefleet/v1/dev/replayer/ack")
        let watcher = AckWatcher(client)
        for round in 0..<2 {
            watcher.clear()
            for seq in UInt64(1)...5 {
                try await client.publish(topic: "edgefleet/v1/dev/replayer/telemetry",
                                         payload: try Messages.telemetryPayload(device: "replayer", seq: seq), qos: .atLeastOnce)
            }
            try await eventually("round \(round) is acknowledged through 5", timeout: 30) { watcher.highest == 5 }
        }
        try await eventually("every replay is counted as a duplicate", timeout: 20) {
            harness.metric("edgefleet_collector_messages_duplicate_total") >= 5
        }
        let stored = try await harness.store.telemetryCount(deviceID: "replayer")
        XCTAssertEqual(stored, 5)
        await client.shutdown()
        await harness.stop()
    }

    func testUnknownDeviceAppearsWithItsFirstMessage() async throws {
        let harness = try CollectorHarness()
        try await harness.start()
        let client = try await rawClient(harness, id: "stranger")
        try await client.publish(topic: "edgefleet/v1/dev/stranger/telemetry",
                                 payload: try Messages.telemetryPayload(device: "stranger", seq: 1), qos: .atLeastOnce)
        try await eventually("the unknown device is registered") { try await harness.store.device("stranger") != nil }
        let device = try await harness.store.device("stranger")
        XCTAssertNil(device?.profile, "no birth yet: profile unknown, but the telemetry is kept")
        XCTAssertEqual(device?.currentBundle, Messages.bundle)
        await client.shutdown()
        await harness.stop()
    }

    func testDiskFullPausesIngestAndNothingAcknowledgedIsLost() async throws {
        let harness = try CollectorHarness()
        try await harness.start()
        let simulator = try simulator(harness, devices: 3, rate: 40, resendAfter: .seconds(2))
        try await drive(simulator, seconds: 6, during: {
            let size = try await harness.store.databaseBytes()
            try await harness.store.setMaximumDatabaseBytes(size)
            try await eventually("ingest pauses on a full database", timeout: 30) {
                harness.metric("edgefleet_collector_ingest_paused") == 1
            }
            let before = simulator.statistics.acknowledged
            try await Task.sleep(for: .seconds(1))
            XCTAssertEqual(simulator.statistics.acknowledged, before, "nothing is acknowledged while nothing can be stored")
            try await harness.store.setMaximumDatabaseBytes(nil)
        })
        try await assertStoredOnce(harness, simulator)
        XCTAssertEqual(harness.metric("edgefleet_collector_ingest_paused"), 0)
        XCTAssertGreaterThan(harness.metric("edgefleet_collector_store_failures_total", labels: "code=\"storageFull\""), 0)
        await harness.stop()
    }

    /// SIGTERM while the store refuses: the collector stops after one more failed attempt instead of trying every
    /// queued batch in turn (each waiting for the lock), and nothing it could not store was acknowledged.
    func testAGracefulStopWhileTheStoreRefusesDoesNotDrainTheQueueAgainstIt() async throws {
        let harness = try CollectorHarness {
            $0.storage.sqlite.busyTimeoutSeconds = 0.5
            $0.ingest.maximumBatch = 5
            $0.ingest.lingerMilliseconds = 1
        }
        try await harness.start()
        let simulator = try simulator(harness, devices: 4, rate: 50, resendAfter: .seconds(30))
        let running = Task { await simulator.run() }
        let locker = try SQLiteLocker(path: harness.store.path)
        try await eventually("ingest pauses while another process holds the lock", timeout: 30) {
            harness.metric("edgefleet_collector_ingest_paused") == 1
        }
        try await eventually("messages queue up behind the lock", timeout: 30) { simulator.statistics.generated >= 150 }
        try await Task.sleep(for: .milliseconds(200))
        let acknowledged = simulator.statistics.acknowledged
        let started = ContinuousClock.now
        await harness.stop()
        let stopping = ContinuousClock.now - started
        // At 0.5 s per refused attempt, trying the 150+ queued messages five at a time would take over 15 s.
        XCTAssertLessThan(stopping, .seconds(8), "the stop waited for the store batch after batch")
        XCTAssertEqual(simulator.statistics.acknowledged, acknowledged, "nothing unstored was acknowledged")
        locker.release()
        running.cancel()
        await running.value
    }

    func testLockedDatabasePausesIngestAndRecovers() async throws {
        let harness = try CollectorHarness { $0.storage.sqlite.busyTimeoutSeconds = 0.2 }
        try await harness.start()
        let simulator = try simulator(harness, devices: 3, rate: 40, resendAfter: .seconds(2))
        try await drive(simulator, seconds: 6, during: {
            let locker = try SQLiteLocker(path: harness.store.path)
            try await eventually("ingest pauses while another process holds the lock", timeout: 30) {
                harness.metric("edgefleet_collector_ingest_paused") == 1
            }
            try await Task.sleep(for: .seconds(1))
            locker.release()
        })
        try await assertStoredOnce(harness, simulator)
        XCTAssertGreaterThan(harness.metric("edgefleet_collector_store_failures_total", labels: "code=\"storageBusy\""), 0)
        await harness.stop()
    }

    func testBrokerRestartLosesNothing() async throws {
        let harness = try CollectorHarness()
        try await harness.start()
        let simulator = try simulator(harness, devices: 3, rate: 30, resendAfter: .seconds(2))
        try await drive(simulator, seconds: 6, during: {
            try harness.broker.restart()
        })
        try await assertStoredOnce(harness, simulator)
        XCTAssertTrue(harness.collector.client.state.isConnected, "the collector reconnected by itself")
        await harness.stop()
    }

    /// `fleet-sim --devices-per-connection`: many devices multiplexed over few MQTT connections keep their own streams,
    /// windows and acknowledgements — every report stored once, every stream acknowledged to the end.
    func testDevicesMultiplexedOverSharedConnectionsAreStoredOnceAndAcknowledged() async throws {
        let harness = try CollectorHarness()
        try await harness.start()
        var settings = SimulationSettings(port: harness.broker.port, devices: 24, prefix: "mux", reportsPerSecond: 5, resendAfter: .seconds(2))
        settings.devicesPerConnection = 8
        let simulator = try FleetSimulator(settings: settings, logger: CollectorHarness.logger)
        XCTAssertEqual(simulator.connections.count, 3)
        try await drive(simulator, seconds: 3)
        try await assertStoredOnce(harness, simulator)
        await harness.stop()
    }
}
