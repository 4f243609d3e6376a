import Collector
import FleetProtocol
import Foundation
import MQTT
import Synchronization
import TestSupport
import XCTest

/// Births answered by the batch (one assignment lookup per committed ingest batch, not one per birth): a reborn device
/// still receives exactly what it received before — its latest assignment if that one is pending and recent — and
/// nothing else.
final class RebornDevicesTests: XCTestCase {
    func testEveryRebornDeviceOfABatchGetsItsPendingAssignmentAgainAndNoOtherDoes() async throws {
        let harness = try CollectorHarness()
        try await harness.start()
        defer { Task { await harness.stop() } }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        func record(_ id: String, device: String, at time: Int64) -> AssignmentRecord {
            AssignmentRecord(id: id, deviceID: device, model: "keyword-spotter", release: 2, version: "1.1.0", digest: String(repeating: "b", count: 64),
                             size: 100_000, chunkSize: 4096, createdAt: time, createdBy: "test")
        }
        try await harness.store.insert(record("asg-pending", device: "rb-pending", at: now))
        try await harness.store.insert(record("asg-two-old", device: "rb-two", at: now - 60_000))
        try await harness.store.insert(record("asg-two-new", device: "rb-two", at: now))
        try await harness.store.insert(record("asg-stale", device: "rb-stale", at: now - 2 * 86_400_000))   // beyond the resend window
        let devices = ["rb-pending", "rb-two", "rb-stale", "rb-none"]

        let listener = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: harness.broker.port, clientID: "rb-listener"),
                                      logger: CollectorHarness.logger)
        for device in devices { try await listener.subscribe(try DeviceTopics(deviceID: device).commands, qos: .atLeastOnce) }
        try await listener.connect()
        let received = Mutex<[String: [String]]>([:])
        let listening = Task {
            for await message in listener.messages {
                guard let parsed = try? FleetTopics.parse(message.topic), let command = try? FleetCodec.decode(Command.self, from: message.payload)
                else { continue }
                received.withLock { $0[parsed.deviceID, default: []].append(command.assignment?.assignmentID ?? "?") }
            }
        }
        defer { listening.cancel() }

        let device = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: harness.broker.port, clientID: "rb-devices"),
                                    logger: CollectorHarness.logger)
        try await device.connect()
        for id in devices {
            let payload = try FleetCodec.encode(Messages.birthBody(), device: id, stream: "s1", seq: 1, head: 1, time: now)
            try await device.publish(topic: try DeviceTopics(deviceID: id).birth, payload: payload, qos: .atLeastOnce)
        }
        try await eventually("both pending assignments are sent again", timeout: 30) {
            received.withLock { $0["rb-pending"] != nil && $0["rb-two"] != nil }
        }
        try await Task.sleep(for: .seconds(2))   // anything else would have arrived by now
        let commands = received.withLock { $0 }
        XCTAssertEqual(commands, ["rb-pending": ["asg-pending"], "rb-two": ["asg-two-new"]],
                       "the latest pending assignment of each reborn device, once; none for a stale one or a device without one")
        let stored = try await harness.store.devices(DeviceFilter())
        XCTAssertEqual(Set(stored.map(\.id)), Set(devices), "the births were stored")
        await device.shutdown()
        await listener.shutdown()
    }
}
