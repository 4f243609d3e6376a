import FleetProtocol
import FleetSim
import Foundation
import Logging
import TestSupport
import XCTest

/// Issue 22's collector reproduction with real processes: a real `edge-collector`, a real mosquitto, a simulated
/// fleet, and forged copies of a real telemetry message published with `mosquitto_pub`. Before the ledger rules, one
/// forged message with `seq = head = 2^62` made the collector drop every later real message as a duplicate.
final class ForgedMessageTests: XCTestCase {
    var logger: Logger {
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        return logger
    }

    func testForgedFarAheadMessagesEraseNothingAndAreQuarantined() async throws {
        let broker = try Mosquitto()
        let root = try Fixtures.temporaryDirectory("collector-e2e-forged")
        defer { try? FileManager.default.removeItem(at: root) }
        let state = root.appendingPathComponent("state")
        let collector = try CollectorProcess(stateDirectory: state, brokerPort: broker.port)
        try collector.start()
        defer { collector.stop(SIGKILL) }
        let simulator = try FleetSimulator(settings: SimulationSettings(port: broker.port, devices: 5, prefix: "honest", reportsPerSecond: 2,
                                                                        resendAfter: .seconds(2)), logger: logger)
        let running = Task { await simulator.run() }
        defer { running.cancel() }
        let victim = try XCTUnwrap(simulator.devices.first)
        try await waitUntil("the victim's first reports are acknowledged", timeout: 60) { victim.statistics.acknowledged >= 4 }

        // One real message of the victim, captured off the broker by a real subscriber.
        let topic = "edgefleet/v1/dev/\(victim.id)/telemetry"
        let captured = try Self.output(Mosquitto.locate("mosquitto_sub"), ["-p", "\(broker.port)", "-t", topic, "-C", "1", "-W", "30"])
        var envelope = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(captured.utf8)) as? [String: Any], captured)
        XCTAssertEqual(envelope["stream"] as? String, victim.stream)
        let forgedAt2To62 = root.appendingPathComponent("forged-2^62.json")
        envelope["seq"] = NSNumber(value: UInt64(1) << 62)
        envelope["head"] = NSNumber(value: UInt64(1) << 62)
        try JSONSerialization.data(withJSONObject: envelope).write(to: forgedAt2To62)
        let forgedMillionAhead = root.appendingPathComponent("forged-million.json")
        let ahead = victim.statistics.generated + 1_000_000
        envelope["seq"] = NSNumber(value: ahead)
        envelope["head"] = NSNumber(value: ahead)
        try JSONSerialization.data(withJSONObject: envelope).write(to: forgedMillionAhead)
        let publish = try Mosquitto.locate("mosquitto_pub")
        try Mosquitto.run(publish, ["-p", "\(broker.port)", "-q", "1", "-t", topic, "-f", forgedAt2To62.path])
        try Mosquitto.run(publish, ["-p", "\(broker.port)", "-q", "1", "-t", topic, "-f", forgedMillionAhead.path])

        // The fleet goes on for a while, then drains.
        let generatedAtForgery = victim.statistics.generated
        try await waitUntil("the victim produces 20 more messages", timeout: 60) { victim.statistics.generated >= generatedAtForgery + 20 }
        simulator.stopGenerating()
        let drained = await simulator.waitUntilAcknowledged(timeout: .seconds(120))
        XCTAssertTrue(drained, "every honest message was acknowledged: \(simulator.statistics)\n\(collector.log)")
        running.cancel()
        await running.value

        // Counted in the database, not through the simulator's view.
        let database = state.appendingPathComponent("collector.sqlite").path
        for device in simulator.devices {
            let generated = device.statistics.generated
            let rows = try SQLiteQuery.scalar(database, "SELECT count(*) || ' ' || count(DISTINCT seq) || ' ' || coalesce(max(seq), 0) FROM telemetry WHERE device_id = '\(device.id)'")
            XCTAssertEqual(rows, "\(generated - 1) \(generated - 1) \(generated)", "\(device.id): every telemetry report (seq 2…\(generated)) stored exactly once")
            let acked = try SQLiteQuery.scalar(database, "SELECT acked FROM streams WHERE device_id = '\(device.id)'")
            XCTAssertEqual(UInt64(acked), generated, "\(device.id): the acknowledgement covers exactly what the device produced")
        }
        let quarantined = try SQLiteQuery.scalar(database, "SELECT group_concat(reason || ':' || seq, ' ') FROM (SELECT reason, seq FROM quarantine WHERE device_id = '\(victim.id)' ORDER BY id)")
        XCTAssertEqual(quarantined, "sequenceOutOfRange:\(UInt64(1) << 62) tooFarAhead:\(ahead)")
        let events = try SQLiteQuery.scalar(database, "SELECT count(*) FROM events WHERE name = 'ingest.quarantined' AND device_id = '\(victim.id)'")
        XCTAssertEqual(events, "1", "one event for the stream within the minute")
        let (_, metrics) = try await HTTP.call("GET", port: collector.httpPort, "/metrics", token: "")
        let text = String(decoding: metrics, as: UTF8.self)
        XCTAssertTrue(text.contains("edgefleet_collector_messages_quarantined_total{reason=\"sequenceOutOfRange\"} 1"), text)
        XCTAssertTrue(text.contains("edgefleet_collector_messages_quarantined_total{reason=\"tooFarAhead\"} 1"), text)
    }

    /// Runs a tool to completion and returns its standard output.
    static func output(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Mosquitto.Failure(description: "\(executable) exited \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
