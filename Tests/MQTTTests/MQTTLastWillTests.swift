import Foundation
import MQTT
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The Last Will, published by the broker when a client dies without saying goodbye.
///
/// The dying client is this test binary itself, re-launched as a child process that runs only
/// ``testChildProcessEntryPoint()``; SIGKILL then ends its TCP connection the way a crash or a
/// power cut would, with no DISCONNECT.
final class MQTTLastWillTests: XCTestCase {
    private static let childPortVariable = "MQTT_TEST_WILL_CHILD_PORT"

    func testWillIsPublishedAndRetainedWhenTheClientIsKilled() async throws {
        let broker = try Mosquitto()
        let watcher = try makeClient(broker, id: "will-watcher")
        let received = MessageCollector(watcher)
        try await watcher.connect()
        try await watcher.subscribe("fleet/dev-7/status")

        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        child.arguments = ["MQTTTests.MQTTLastWillTests/testChildProcessEntryPoint"]
        var environment = ProcessInfo.processInfo.environment
        environment[Self.childPortVariable] = "\(broker.port)"
        child.environment = environment
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }

        // The child's retained birth message says it is connected with its will registered.
        await eventually("the child's birth message", timeout: .seconds(30)) {
            received.payloads.contains("online")
        }
        kill(child.processIdentifier, SIGKILL)
        await eventually("the will after SIGKILL") { received.payloads.contains("offline") }
        XCTAssertEqual(received.payloads, ["online", "offline"])

        // The will was retained: a subscriber arriving now still learns the device is offline.
        let late = try makeClient(broker, id: "will-late")
        let lateReceived = MessageCollector(late)
        try await late.connect()
        try await late.subscribe("fleet/dev-7/status")
        await eventually("the retained will") { !lateReceived.messages.isEmpty }
        XCTAssertEqual(lateReceived.messages.first?.payload, bytes("offline"))
        XCTAssertEqual(lateReceived.messages.first?.retain, true)

        await watcher.shutdown()
        await late.shutdown()
    }

    func testWillIsNotPublishedAfterDisconnect() async throws {
        let broker = try Mosquitto()
        let watcher = try makeClient(broker, id: "clean-watcher")
        let received = MessageCollector(watcher)
        try await watcher.connect()
        try await watcher.subscribe("clean/#")

        let client = try makeClient(broker, id: "clean-dev") {
            $0.will = .init(topic: "clean/will", payload: bytes("offline"), qos: .atLeastOnce, retain: true)
        }
        try await client.connect()
        await client.disconnect()
        if case .disconnected(let reason) = client.state {
            XCTAssertNil(reason?.error)
            XCTAssertNil(reason?.reconnectDelay)
        } else {
            XCTFail("expected disconnected, got \(client.state)")
        }
        // disconnect() returned after DISCONNECT went out, so a will would come before this marker.
        try await watcher.publish(topic: "clean/marker", payload: [], qos: .atLeastOnce)
        await eventually("the marker") { !received.messages.isEmpty }
        XCTAssertEqual(received.messages.map(\.topic), ["clean/marker"], broker.log)

        // The client can connect again after a disconnect.
        try await client.connect()
        XCTAssertTrue(client.state.isConnected)
        await client.shutdown()
        await watcher.shutdown()
    }

    /// Not a test on its own: the body of the child process above. Returns at once otherwise.
    func testChildProcessEntryPoint() async throws {
        guard let port = ProcessInfo.processInfo.environment[Self.childPortVariable].flatMap(Int.init) else { return }
        var configuration = MQTTConfiguration(host: "127.0.0.1", port: port, clientID: "dev-7")
        configuration.will = .init(topic: "fleet/dev-7/status", payload: bytes("offline"), qos: .atLeastOnce, retain: true)
        let client = try MQTTClient(configuration: configuration, logger: testLogger())
        try await client.connect()
        try await client.publish(topic: "fleet/dev-7/status", payload: bytes("online"), qos: .atLeastOnce, retain: true)
        // Wait to be killed; give up after a while so an orphan cannot linger.
        try await Task.sleep(for: .seconds(120))
    }
}
