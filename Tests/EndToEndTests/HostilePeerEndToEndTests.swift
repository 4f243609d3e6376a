import FleetProtocol
import Foundation
import XCTest

/// Issue 22, with a real agent and a real broker: a forged acknowledgement deletes nothing the agent has not
/// published, and a flood of malformed commands stays within the queue's and the log's bounds.
final class HostilePeerEndToEndTests: XCTestCase {
    /// The forged acknowledgement of the issue, far above anything published, while the collector holds back its
    /// own acknowledgements so that the queue holds many unpublished messages.
    func testForgedAcknowledgementsLoseNothingUnpublished() async throws {
        let world = try await AgentWorld(self)
        let configuration = try world.configuration(initialBundle: try world.write(try world.bundle(version: "1.0.0", counter: 1), "v1.efb"),
                                                    extra: ["telemetry": ["intervalSeconds": 0.05], "queue": ["window": 4]])
        world.collector.state.withLock { $0.acknowledges = false }
        try world.startAgent(configuration)
        try await eventually("the window is published and the queue holds more\n\(world.logs)") {
            try world.collector.messages.count >= 4 && self.queued(world).count >= 24
        }
        let stream = try XCTUnwrap(world.collector.state.withLock { $0.streams.keys.first })
        let ackTopic = try DeviceTopics(deviceID: world.device).ack
        let before = try queued(world)
        let started = ContinuousClock.now

        // Ten copies of the issue's acknowledgement, one for a message on disk that was never published, one for
        // another stream and a malformed one.
        for _ in 0..<10 {
            try await world.collector.publish(Array(#"{"v":1,"stream":"\#(stream)","seq":4611686018427387904}"#.utf8), to: ackTopic)
        }
        try await world.collector.publish(Array(#"{"v":1,"stream":"\#(stream)","seq":\#(before.max()!)}"#.utf8), to: ackTopic)
        try await world.collector.publish(Array(#"{"v":1,"stream":"0123456789abcdef","seq":3}"#.utf8), to: ackTopic)
        try await world.collector.publish(Array(#"{"v":1,"stream":7}"#.utf8), to: ackTopic)
        await eventually("the agent logged the ignored acknowledgements\n\(world.logs)") {
            let log = world.logs
            return log.contains("ignoring an acknowledgement beyond") && log.contains("ignoring an acknowledgement for another stream")
                && log.contains("ignoring a malformed acknowledgement")
        }
        let after = try queued(world)
        print("forged acknowledgements: \(before.count) messages queued before (\(world.collector.messages.count) published), \(after.count) after, \(before.subtracting(after).count) deleted")
        XCTAssertTrue(before.isSubset(of: after), "deleted: \(before.subtracting(after).sorted())\n\(world.logs)")
        let minutes = Int((ContinuousClock.now - started) / .seconds(60)) + 1
        let warnings = world.logs.split(separator: "\n").filter { $0.contains("ignoring an acknowledgement beyond") }
        XCTAssertLessThanOrEqual(warnings.count, minutes, "at most one warning a minute for 11 forged acknowledgements")

        // The collector acknowledges again: every message the agent produced arrives, none was lost.
        world.collector.state.withLock { $0.acknowledges = true }
        let highest = before.max()!
        await eventually("everything up to \(highest) is stored\n\(world.logs)", timeout: .seconds(60)) {
            let seqs = Set(world.collector.messages.map(\.header.seq))
            return (1...highest).allSatisfy(seqs.contains)
        }
        func counter(_ report: TelemetryReport, _ key: String) -> Double { report.counters[key] ?? 0 }
        let beyond = "edge_agent_acknowledgements_ignored_total{reason=beyondPublished}"
        await eventually("a report counts the ignored acknowledgements\n\(world.logs)", timeout: .seconds(60)) {
            world.collector.telemetry.contains { counter($0, beyond) >= 11 }
        }
        let report = try XCTUnwrap(world.collector.telemetry.first { counter($0, beyond) >= 11 })
        XCTAssertEqual(counter(report, beyond), 11, "\(report.counters)")
        XCTAssertEqual(counter(report, "edge_agent_acknowledgements_ignored_total{reason=otherStream}"), 1)
        XCTAssertEqual(counter(report, "edge_agent_acknowledgements_ignored_total{reason=malformed}"), 1)
        XCTAssertLessThanOrEqual(counter(report, "edge_agent_acknowledged_total"), counter(report, "edge_agent_published_total"),
                                 "only published messages were deleted: \(report.counters)")
        XCTAssertEqual(report.queue.dropped, 0)
        let seqs = world.collector.messages.map(\.header.seq)
        XCTAssertEqual(seqs, Array(1...(seqs.max() ?? 1)), "no gaps: nothing was lost")
    }

    /// The issue's flood: 600 malformed commands, each with a 5,000-character command ID.
    func testCommandFloodStaysWithinTheQueueAndLogBounds() async throws {
        let world = try await AgentWorld(self)
        let configuration = try world.configuration(initialBundle: try world.write(try world.bundle(version: "1.0.0", counter: 1), "v1.efb"))
        try world.startAgent(configuration)
        await eventually("the agent is connected\n\(world.logs)") { world.collector.births(world.device).count >= 1 }
        let commands = try DeviceTopics(deviceID: world.device).commands
        let id = String(repeating: "c", count: 5_000)
        let started = ContinuousClock.now
        for n in 0..<600 {
            // Half decode but cannot be carried out (no assignment), half do not decode (an unknown type).
            let type = n % 2 == 0 ? "assign" : String(repeating: "t", count: 5_000)
            try await world.collector.publish(Array(#"{"v":1,"id":"\#(id)\#(n)","type":"\#(type)"}"#.utf8), to: commands)
        }
        func rejected(_ report: TelemetryReport) -> Double {
            report.counters.filter { $0.key.hasPrefix("edge_agent_commands_rejected_total{") }.values.reduce(0, +)
        }
        func dropped(_ report: TelemetryReport) -> Double { report.counters["edge_agent_mqtt_received_dropped_total"] ?? 0 }
        await eventually("every command is counted\n\(world.logs)", timeout: .seconds(60)) {
            world.collector.telemetry.contains { rejected($0) + dropped($0) >= 600 }
        }
        // A few more reports, so that whatever the flood queued has had time to arrive.
        let reports = world.collector.telemetry.count
        await eventually("three more reports") { world.collector.telemetry.count >= reports + 3 }
        let minutes = Int((ContinuousClock.now - started) / .seconds(60)) + 1

        let newest = try XCTUnwrap(world.collector.telemetry.last)
        XCTAssertEqual(rejected(newest) + dropped(newest), 600,
                       "every command counted: rejected by reason, or dropped by the MQTT client's full buffer: \(newest.counters)")
        let events = world.collector.events.filter { $0.name == .commandRejected }
        XCTAssertGreaterThanOrEqual(events.count, 1)
        XCTAssertLessThanOrEqual(events.count, 5 * minutes, "at most 5 command.rejected events a minute")
        for event in events {
            XCTAssertLessThanOrEqual(event.details["command"]?.count ?? 0, 128 + 20, "command IDs are truncated")
            XCTAssertLessThanOrEqual(event.error?.message.count ?? 0, 256 + 20, "messages are truncated")
        }
        XCTAssertLessThanOrEqual(newest.queue.depth, 50, "the flood did not fill the queue: \(newest.queue)")
        XCTAssertEqual(newest.queue.dropped, 0)

        let lines = world.logs.split(separator: "\n")
        print("command flood: 600 sent in \(ContinuousClock.now - started), \(Int(rejected(newest))) rejected + \(Int(dropped(newest))) dropped by the MQTT buffer (\(newest.counters.filter { $0.key.hasPrefix("edge_agent_commands_rejected_total") })), \(events.count) command.rejected events, \(lines.filter { $0.contains(" warning ") }.count) warning lines, longest log line \(lines.map(\.count).max() ?? 0) characters, queue depth \(newest.queue.depth)")
        XCTAssertLessThanOrEqual(lines.filter { $0.contains("command rejected") }.count, 5 * minutes)
        let warnings = lines.filter { $0.contains(" warning ") }
        let mqtt = warnings.filter { $0.contains("MQTT message buffer full") }
        XCTAssertLessThanOrEqual(mqtt.count, 10, "the MQTT client warns at powers of two of its drops only (600 < 2^10)")
        XCTAssertLessThanOrEqual(warnings.count - mqtt.count, 5 * minutes + 2, "\(world.logs.prefix(5_000))")
        XCTAssertLessThanOrEqual(lines.map(\.count).max() ?? 0, 1_000, "no log line quotes the peer's strings in full")
    }

    /// Malformed feedback and labels for samples the agent never captured: counted, but only a few queued.
    func testFeedbackFloodIsCountedAndOnlyAFewLabelsAreQueued() async throws {
        let world = try await AgentWorld(self)
        let configuration = try world.configuration(initialBundle: try world.write(try world.bundle(version: "1.0.0", counter: 1), "v1.efb"),
                                                    extra: ["capture": ["enabled": true, "maxPerHour": 1, "burst": 1]])
        try world.startAgent(configuration)
        await eventually("the agent is connected\n\(world.logs)") { world.collector.births(world.device).count >= 1 }
        let topic = try DeviceTopics(deviceID: world.device).feedback
        let started = ContinuousClock.now
        for n in 0..<100 {
            try await world.collector.publish(Array(#"{"v":1,"sampleID":"\#(String(repeating: "s", count: 5_000))-\#(n)"}"#.utf8), to: topic)
            try await world.collector.publish(try FleetCodec.encode(Feedback(sampleID: String(repeating: "u", count: 5_000) + "\(n)", label: 1)),
                                              to: topic)
        }
        func counter(_ report: TelemetryReport, _ key: String) -> Double { report.counters[key] ?? 0 }
        let malformed = "edge_agent_feedback_ignored_total{reason=malformed}"
        let overLimit = "edge_agent_feedback_ignored_total{reason=unmatchedOverLimit}"
        let dropped = "edge_agent_mqtt_received_dropped_total"
        await eventually("every feedback message is counted\n\(world.logs)", timeout: .seconds(60)) {
            world.collector.telemetry.contains { counter($0, malformed) + counter($0, overLimit) + counter($0, dropped) >= 190 }
        }
        let reports = world.collector.telemetry.count
        await eventually("three more reports") { world.collector.telemetry.count >= reports + 3 }
        let minutes = Int((ContinuousClock.now - started) / .seconds(60)) + 1
        let newest = try XCTUnwrap(world.collector.telemetry.last)
        let labels = world.collector.messages.compactMap { if case .label(let m) = $0 { m.body } else { nil } }
        let unmatched = world.collector.telemetry.reduce(0) { $0 + $1.capture.unmatched }
        print("feedback flood: 200 sent, \(Int(counter(newest, malformed))) malformed, \(unmatched) unmatched of which \(Int(counter(newest, overLimit))) only counted, \(labels.count) labels queued, \(Int(counter(newest, dropped))) dropped by the MQTT buffer")
        XCTAssertEqual(counter(newest, malformed) + Double(unmatched) + counter(newest, dropped), 200, "\(newest.counters)")
        XCTAssertEqual(Double(labels.count) + counter(newest, overLimit), Double(unmatched), "each unmatched label is queued or counted")
        XCTAssertGreaterThanOrEqual(labels.count, 1)
        XCTAssertLessThanOrEqual(labels.count, 10 * minutes, "at most 10 unmatched labels a minute are queued")
        XCTAssertTrue(labels.allSatisfy { !$0.matched && $0.sampleID.count <= 128 + 20 }, "sample IDs from the network are truncated")
        let lines = world.logs.split(separator: "\n")
        XCTAssertLessThanOrEqual(lines.filter { $0.contains("ignoring malformed feedback") }.count, minutes, "one warning a minute")
        XCTAssertLessThanOrEqual(lines.map(\.count).max() ?? 0, 1_000)
    }

    /// Sequence numbers of the messages in the agent's disk queue.
    private func queued(_ world: AgentWorld) throws -> Set<UInt64> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(world.stateDirectory)/queue")) ?? []
        return Set(names.filter { $0.hasSuffix(".msg") }.compactMap { UInt64($0.dropLast(4)) })
    }
}
