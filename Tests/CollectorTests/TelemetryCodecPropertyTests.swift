import Collector
import FleetProtocol
import Foundation
import TestSupport
import XCTest

/// The telemetry codec against its reference twin, the Codable types: random envelopes (awkward doubles, huge
/// counts, unicode and escaped strings, missing optionals) decode through ``TelemetryFastPath`` to exactly what
/// `JSONDecoder` makes of the same bytes — doubles bit for bit, strings byte for byte — and the shared encoder
/// (`FleetCodec.encode`, used by the agent and FleetSim) writes bytes that decode back to the very report.
final class TelemetryCodecPropertyTests: XCTestCase {
    private typealias TelemetryEnvelope = Envelope<TelemetryReport>

    func testFastPathDecodesJSONEncoderOutputExactlyAsJSONDecoderDoes() throws {
        var random = SeededGenerator(seed: 0x7E1E_3E7B)
        var fast = 0, escapedLabels = 0
        for round in 0..<1500 {
            let envelope = Self.randomEnvelope(&random)
            if Self.needsEscapes(envelope.body.counters.keys) { escapedLabels += 1 }
            let bytes = try Self.jsonEncoder(envelope)
            let reference = try JSONDecoder().decode(TelemetryEnvelope.self, from: Data(bytes))
            XCTAssertEqual(Self.exact(reference), Self.exact(envelope), "JSONEncoder → JSONDecoder lost something, round \(round)")
            guard let decoded = TelemetryFastPath.decode(bytes) else {
                // Only labels that need escapes in a key may send a message down the general path.
                XCTAssertTrue(Self.needsEscapes(envelope.body.counters.keys), "fast path refused round \(round): \(String(decoding: bytes, as: UTF8.self))")
                continue
            }
            fast += 1
            XCTAssertEqual(Self.exact(decoded), Self.exact(reference), "round \(round): \(String(decoding: bytes, as: UTF8.self))")
        }
        XCTAssertEqual(fast + escapedLabels, 1500, "the fast path takes every message but those with escaped counter labels")
        XCTAssertGreaterThan(fast, 500)
    }

    func testSharedEncoderRoundTripsBitForBitThroughBothDecoders() throws {
        var random = SeededGenerator(seed: 0xE4C0_DE12)
        for round in 0..<1500 {
            let envelope = Self.randomEnvelope(&random)
            let bytes = try FleetCodec.encode(envelope.body, device: envelope.device, stream: envelope.stream, seq: envelope.seq,
                                              head: envelope.head, time: envelope.time)
            let reference = try FleetCodec.decode(TelemetryReport.self, from: bytes)
            XCTAssertEqual(Self.exact(reference), Self.exact(envelope), "round \(round): \(String(decoding: bytes, as: UTF8.self))")
            if let decoded = TelemetryFastPath.decode(bytes) {
                XCTAssertEqual(Self.exact(decoded), Self.exact(envelope), "round \(round)")
            } else {
                XCTAssertTrue(Self.needsEscapes(envelope.body.counters.keys), "fast path refused round \(round)")
            }
        }
    }

    func testSharedEncoderRefusesWhatJSONCannotCarry() {
        var report = Self.plainEnvelope().body
        report.throughput = .nan
        XCTAssertThrowsError(try FleetCodec.encode(report, device: "d", stream: "s", seq: 1, head: 1, time: 0)) { error in
            XCTAssertEqual((error as? FleetProtocolError)?.code, .invalidMessage)
        }
        report.throughput = 1
        report.counters = ["x": -.infinity]
        XCTAssertThrowsError(try FleetCodec.encode(report, device: "d", stream: "s", seq: 1, head: 1, time: 0))
    }

    /// The double-rounding bug: `"1.39"` once read as 1.3900000000000001 (about 4 % of two-decimal values were off).
    func testEveryTwoDecimalValueBelowTenIsCorrectlyRounded() throws {
        for hundredths in 0..<1000 {
            let text = String(format: "%d.%02d", hundredths / 100, hundredths % 100)
            try assertNumber(text)
        }
    }

    func testAwkwardNumbersDecodeAsJSONDecoderDecodesThem() throws {
        let numbers = [
            "0", "-0", "-0.0", "0.0", "1", "1.39", "0.1", "0.30000000000000004", "5e-324", "4.9406564584124654e-324", "2.2250738585072014e-308",
            "2.225073858507201e-308", "1.7976931348623157e308", "1.7976931348623157E+308", "9007199254740993", "9007199254740992.5",
            "123456789012345678901234567890", "1.00000000000000011102230246251565404236316680908203125", "0.000000000000000000000000001",
            "1e22", "1e23", "-1e-7", "3.141592653589793", "2.718281828459045e-100", "100000000000000000000000", "0.1e1", "1E2", "1e+2",
            "8.98846567431158e307", "1.0000000000000002", "0.9999999999999999", "12345.678901234567",
        ]
        for number in numbers { try assertNumber(number) }
    }

    /// Numbers JSON forbids: both decoders refuse them (the fast path by handing them on).
    func testMalformedNumbersAreLeftToTheGeneralPath() throws {
        for number in ["- 1", "01", "1.", ".5", "1e", "1e+", "+1", "0x10", "1.5.2", "--1", "1e400", "Infinity", "NaN"] {
            let bytes = try payload(throughput: number)
            XCTAssertNil(TelemetryFastPath.decode(bytes), number)
            XCTAssertThrowsError(try JSONDecoder().decode(TelemetryEnvelope.self, from: Data(bytes)), number)
        }
        let good = String(decoding: try payload(throughput: "1"), as: UTF8.self)
        for (field, bad) in [("\"seq\":7", "\"seq\":- 7"), ("\"seq\":7", "\"seq\":07"), ("\"time\":-5", "\"time\":- 5")] {
            XCTAssertTrue(good.contains(field), field)
            XCTAssertNil(TelemetryFastPath.decode(Array(good.replacingOccurrences(of: field, with: bad).utf8)), bad)
        }
    }

    /// Explicit nulls, unknown fields of every shape, escaped and unicode strings: the fast path reads what it can
    /// and agrees with JSONDecoder; repeated keys and invalid UTF-8 it leaves to the general path.
    func testNullsUnknownFieldsEscapesAndRepeatedKeys() throws {
        let good = String(decoding: try payload(throughput: "2.5"), as: UTF8.self)
        let variants = [
            good.replacingOccurrences(of: "{\"body\":{", with: "{\"body\":{\"bundle\":null,\"shadow\":null,"),
            good.replacingOccurrences(of: "\"cpuCores\":", with: "\"temperatureCelsius\":null,\"throttled\":null,\"cpuCores\":"),
            good.replacingOccurrences(of: "{\"body\":{", with: "{\"extra\":{\"a\":[1,\"x\\u00e9\\\"\",null,true,false,-1.5e3,{}],\"b\":[]},\"body\":{"),
            good.replacingOccurrences(of: "\"device\":\"d\u{E9}v\"", with: "\"device\":\"d\\u00E9v\\ud83d\\ude80\\/\\b\\f\\n\\r\\t\\u0000\""),
            good.replacingOccurrences(of: ",", with: " ,\n\t").replacingOccurrences(of: ":", with: " : "),
        ]
        for variant in variants {
            let bytes = Array(variant.utf8)
            let reference = try JSONDecoder().decode(TelemetryEnvelope.self, from: Data(bytes))
            guard let decoded = TelemetryFastPath.decode(bytes) else { XCTFail("fast path refused \(variant)"); continue }
            XCTAssertEqual(Self.exact(decoded), Self.exact(reference), variant)
        }
        let refused = [
            good.replacingOccurrences(of: "\"seq\":7", with: "\"seq\":7,\"seq\":8"),
            good.replacingOccurrences(of: "\"counters\":{", with: "\"counters\":{\"a\":1,\"a\":2,"),
            good.replacingOccurrences(of: "\"device\":\"d\u{E9}v\"", with: "\"device\":\"\\ud83d\""),
            good.replacingOccurrences(of: "\"device\":\"d\u{E9}v\"", with: "\"device\":\"\\q\""),
            good.replacingOccurrences(of: "\"v\":1", with: "\"\\u0076\":1"),
        ]
        for variant in refused { XCTAssertNil(TelemetryFastPath.decode(Array(variant.utf8)), variant) }
        var invalidUTF8 = Array(good.utf8)
        let at = invalidUTF8.firstIndex(of: 0xC3)!  // the first byte of é in "d\u{e9}v"
        invalidUTF8[at + 1] = 0x28
        XCTAssertNil(TelemetryFastPath.decode(invalidUTF8))
    }

    // MARK: Helpers

    /// A fixed envelope whose throughput field is replaced by `throughput`, verbatim.
    private func payload(throughput: String) throws -> [UInt8] {
        let text = String(decoding: try Self.jsonEncoder(Self.plainEnvelope()), as: UTF8.self)
        XCTAssertTrue(text.contains("\"throughput\":12345.25"))
        return Array(text.replacingOccurrences(of: "\"throughput\":12345.25", with: "\"throughput\":\(throughput)").utf8)
    }

    private func assertNumber(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let bytes = try payload(throughput: text)
        let reference = try JSONDecoder().decode(TelemetryEnvelope.self, from: Data(bytes)).body.throughput
        guard let decoded = TelemetryFastPath.decode(bytes)?.body.throughput else {
            return XCTFail("fast path refused \(text)", file: file, line: line)
        }
        XCTAssertEqual(decoded.bitPattern, reference.bitPattern, "\(text): fast \(decoded), JSONDecoder \(reference)", file: file, line: line)
        XCTAssertEqual(decoded.bitPattern, Double(text)?.bitPattern, "\(text) is not correctly rounded", file: file, line: line)
    }

    private static func jsonEncoder(_ envelope: TelemetryEnvelope) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(envelope))
    }

    private static func plainEnvelope() -> TelemetryEnvelope {
        let report = TelemetryReport(
            intervalStart: -5, intervalEnd: 10, bundle: nil, inferences: 1, errors: 0, droppedInputs: 0, throughput: 12345.25,
            latency: .empty, predictions: [1], confidence: [], features: [], resources: ResourceUsage(rssBytes: 1, cpuCores: 0.5, temperatureCelsius: nil, throttled: nil),
            queue: QueueStatus(depth: 0, bytes: 0, dropped: 0), shadow: nil, capture: CaptureStatistics(), counters: ["c": 1])
        return Envelope(kind: .telemetry, device: "d\u{E9}v", stream: "s", seq: 7, head: 7, time: -5, body: report)
    }

    private static func needsEscapes(_ labels: some Sequence<String>) -> Bool {
        labels.contains { $0.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } }
    }

    /// Everything in an envelope, doubles as bit patterns and strings as UTF-8 bytes, so equal means identical.
    private static func exact(_ e: TelemetryEnvelope) -> String {
        func d(_ x: Double?) -> String { x.map { String($0.bitPattern, radix: 16) } ?? "nil" }
        func t(_ s: String) -> String { s.utf8.map { String($0, radix: 16) }.joined(separator: ".") }
        func b(_ r: BundleReference?) -> String { r.map { "\(t($0.name))/\(t($0.version))/\(t($0.digest))/\($0.releaseCounter)" } ?? "nil" }
        let r = e.body, l = r.latency, res = r.resources, q = r.queue, c = r.capture
        let counters = r.counters.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { "\(t($0.key))=\(d($0.value))" }
        return """
            v\(e.version) \(e.kind.rawValue) \(t(e.device)) \(t(e.stream)) \(e.seq) \(e.head) \(e.time)
            \(r.intervalStart) \(r.intervalEnd) \(b(r.bundle)) \(r.inferences) \(r.errors) \(r.droppedInputs) \(d(r.throughput))
            latency \(l.count) \(l.minMicros) \(d(l.meanMicros)) \(l.p50Micros) \(l.p95Micros) \(l.p99Micros) \(l.maxMicros) \(l.buckets)
            \(r.predictions) \(r.confidence) \(r.features.map { "\(t($0.name)):\($0.counts)" })
            resources \(res.rssBytes) \(d(res.cpuCores)) \(d(res.temperatureCelsius)) \(res.throttled.map(String.init) ?? "nil")
            queue \(q.depth) \(q.bytes) \(q.dropped) shadow \(r.shadow.map { "\(b($0.candidate)) \($0.compared) \($0.agreed)" } ?? "nil")
            capture \(c.captured) \(c.overBudget) \(c.labeled) \(c.correct) \(c.unmatched) counters \(counters)
            """
    }

    // MARK: Random envelopes

    private static let texts = [
        "", "kws", "keyword-spotter", "1.0.0", "demo-sim-10", "ünïcödé", "日本語のラベル", "🚀 rocket", "e\u{301}", "quote\"and\\backslash",
        "tab\tnew\nline\r", "\u{0}nul\u{1F}", "/slash/", "\u{7F}del", "a\u{2028}b", String(repeating: "x", count: 200),
    ]
    private static let labels = ["edge_agent_x", "ünï", "🚀", "a b", "/path", "quote\"", "tab\t", "nl\n", "日本", "z"]

    private static func randomEnvelope(_ g: inout SeededGenerator) -> TelemetryEnvelope {
        func text() -> String { texts.randomElement(using: &g)! }
        func bundle() -> BundleReference {
            BundleReference(name: text(), version: text(), digest: String(repeating: "ab", count: 32), releaseCounter: count(&g))
        }
        func counts(_ max: Int) -> [UInt64] { (0..<Int.random(in: 0...max, using: &g)).map { _ in count(&g) } }
        var counters: [String: Double] = [:]
        for _ in 0..<Int.random(in: 0...4, using: &g) { counters[labels.randomElement(using: &g)!] = double(&g) }
        let report = TelemetryReport(
            intervalStart: signed(&g), intervalEnd: signed(&g), bundle: Bool.random(using: &g) ? bundle() : nil,
            inferences: count(&g), errors: count(&g), droppedInputs: count(&g), throughput: double(&g),
            latency: LatencySummary(count: count(&g), minMicros: count(&g), meanMicros: double(&g), p50Micros: count(&g), p95Micros: count(&g),
                                    p99Micros: count(&g), maxMicros: count(&g),
                                    buckets: (0..<Int.random(in: 0...5, using: &g)).map { _ in counts(2) }),
            predictions: counts(12), confidence: counts(10),
            features: (0..<Int.random(in: 0...3, using: &g)).map { _ in FeatureCounts(name: text(), counts: counts(8)) },
            resources: ResourceUsage(rssBytes: count(&g), cpuCores: double(&g), temperatureCelsius: Bool.random(using: &g) ? double(&g) : nil,
                                     throttled: Bool.random(using: &g) ? UInt32.random(in: 0...UInt32.max, using: &g) : nil,
                                     thermalState: Bool.random(using: &g) ? ThermalState(rawValue: text()) : nil),
            queue: QueueStatus(depth: Int(truncatingIfNeeded: signed(&g)), bytes: Int(truncatingIfNeeded: signed(&g)), dropped: count(&g)),
            shadow: Bool.random(using: &g) ? ShadowStatistics(candidate: bundle(), compared: count(&g), agreed: count(&g)) : nil,
            capture: CaptureStatistics(captured: count(&g), overBudget: count(&g), labeled: count(&g), correct: count(&g), unmatched: count(&g)),
            counters: counters)
        return Envelope(kind: .telemetry, device: text(), stream: text(), seq: count(&g), head: count(&g), time: signed(&g), body: report)
    }

    /// Small counts mostly, and the edges: 2^53 ± a little (where doubles stop being exact) and UInt64's limit.
    private static func count(_ g: inout SeededGenerator) -> UInt64 {
        switch UInt8.random(in: 0..<8, using: &g) {
        case 0: (1 << 53) &+ UInt64.random(in: 0...4, using: &g) &- 2
        case 1: UInt64.max - UInt64.random(in: 0...3, using: &g)
        case 2: g.next()
        case 3: 0
        default: UInt64.random(in: 0...100_000, using: &g)
        }
    }

    private static func signed(_ g: inout SeededGenerator) -> Int64 {
        switch UInt8.random(in: 0..<6, using: &g) {
        case 0: .min + Int64.random(in: 0...2, using: &g)
        case 1: .max - Int64.random(in: 0...2, using: &g)
        case 2: Int64(bitPattern: g.next())
        default: Int64.random(in: -100_000...1_800_000_000_000, using: &g)
        }
    }

    /// Doubles that break naive parsers: two-decimal values, 17 significant digits, subnormals, the extremes,
    /// negative zero, integers beyond 2^53, any finite bit pattern.
    private static func double(_ g: inout SeededGenerator) -> Double {
        switch UInt8.random(in: 0..<10, using: &g) {
        case 0: return Double(Int.random(in: 0..<1000, using: &g)) / 100
        case 1: return Double.random(in: 0..<1, using: &g)
        case 2: return Double(bitPattern: g.next() & 0x000F_FFFF_FFFF_FFFF)  // subnormal (or zero)
        case 3: return [0.0, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                        0.1, 1e23, 9_007_199_254_740_993].randomElement(using: &g)!
        case 4: return Double(UInt64(1) << 53 + UInt64.random(in: 0...1000, using: &g)) * (Bool.random(using: &g) ? 1 : 1024)
        case 5: return Double.random(in: -1e6...1e6, using: &g)
        case 6: return Double(Int.random(in: -100_000...100_000, using: &g))
        default:
            while true {
                let value = Double(bitPattern: g.next())
                if value.isFinite { return value }
            }
        }
    }
}
