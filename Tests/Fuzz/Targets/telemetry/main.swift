import Collector
import FleetProtocol
import Foundation
import FuzzSupport

// Fuzz target: the telemetry decoder, both paths, against each other.
//
// TelemetryFastPath promises the envelope JSONDecoder makes of the same bytes, or nil (then the general path
// judges). So: whatever the fast path accepts, the Codable path must accept with an equal header and body, and the
// accepted envelope must survive the agents' TelemetryJSONWriter and a decode unchanged. FleetCodec's generic decoders (header,
// upward message) run on every input too. Input: a JSON payload as published on `…/telemetry`.
let decoder = JSONDecoder()

FuzzDriver.run { bytes in
    _ = try? FleetCodec.header(of: bytes)
    _ = try? FleetCodec.decodeUpward(bytes)
    let codable = try? decoder.decode(Envelope<TelemetryReport>.self, from: Data(bytes))
    guard let fast = TelemetryFastPath.decode(bytes) else { return }
    guard let codable else {
        fatalError("the fast path accepted a telemetry envelope that JSONDecoder refuses")
    }
    FuzzDriver.check(fast.header == codable.header, "headers differ: fast \(fast.header), Codable \(codable.header)")
    FuzzDriver.check(fast.body == codable.body, "bodies differ: fast \(fast.body), Codable \(codable.body)")
    // The agents' writer (FleetCodec's telemetry path) must reproduce an accepted envelope exactly.
    guard let encoded = try? FleetCodec.encode(fast.body, device: fast.device, stream: fast.stream, seq: fast.seq, head: fast.head,
                                               time: fast.time) else {
        fatalError("an accepted envelope does not encode")
    }
    guard let again = TelemetryFastPath.decode(encoded) else { fatalError("the fast path refuses what the agents' writer wrote") }
    FuzzDriver.check(again.device == fast.device && again.stream == fast.stream && again.seq == fast.seq && again.head == fast.head
                         && again.time == fast.time && again.body == fast.body,
                     "the envelope changed in an encode and decode round trip")
}
