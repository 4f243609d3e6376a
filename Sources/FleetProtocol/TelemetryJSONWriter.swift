/// Writes telemetry envelopes (the bulk of all traffic) as JSON without `JSONEncoder`: the one telemetry encoder,
/// behind ``FleetCodec/encode(_:device:stream:seq:head:time:)`` for agents and simulators alike.
///
/// The output is what `JSONEncoder` with sorted keys writes, but for the spelling of numbers: doubles in their
/// shortest round-trip form (`Double.description`, so every bit survives a correct parser), nil optionals left
/// out. Non-finite doubles are refused as `JSONEncoder` refuses them. A value type used by one caller at a time.
struct TelemetryJSONWriter {
    private(set) var bytes: [UInt8] = []

    /// The envelope's JSON bytes, or an error naming the field that JSON cannot carry.
    static func envelope(_ envelope: Envelope<TelemetryReport>) throws(FleetProtocolError) -> [UInt8] {
        var w = TelemetryJSONWriter()
        w.bytes.reserveCapacity(1024)
        let report = envelope.body
        w.raw("{\"body\":{")
        if let b = report.bundle {
            w.raw("\"bundle\":"); w.bundle(b); w.raw(",")
        }
        let c = report.capture
        w.raw("\"capture\":{\"captured\":"); w.number(c.captured); w.raw(",\"correct\":"); w.number(c.correct)
        w.raw(",\"labeled\":"); w.number(c.labeled); w.raw(",\"overBudget\":"); w.number(c.overBudget)
        w.raw(",\"unmatched\":"); w.number(c.unmatched); w.raw("}")
        w.raw(",\"confidence\":"); w.list(report.confidence)
        w.raw(",\"counters\":{")
        // Sorted by bytes, so equal reports give equal bytes (dictionary order is per process).
        for (index, label) in report.counters.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if index > 0 { w.raw(",") }
            w.text(label); w.raw(":"); try w.decimal(report.counters[label] ?? 0, "counters")
        }
        w.raw("},\"droppedInputs\":"); w.number(report.droppedInputs)
        w.raw(",\"errors\":"); w.number(report.errors)
        w.raw(",\"features\":[")
        for (index, feature) in report.features.enumerated() {
            if index > 0 { w.raw(",") }
            w.raw("{\"counts\":"); w.list(feature.counts); w.raw(",\"name\":"); w.text(feature.name); w.raw("}")
        }
        w.raw("],\"inferences\":"); w.number(report.inferences)
        w.raw(",\"intervalEnd\":"); w.signed(report.intervalEnd)
        w.raw(",\"intervalStart\":"); w.signed(report.intervalStart)
        let l = report.latency
        w.raw(",\"latency\":{\"buckets\":[")
        for (index, pair) in l.buckets.enumerated() {
            if index > 0 { w.raw(",") }
            w.list(pair)
        }
        w.raw("],\"count\":"); w.number(l.count); w.raw(",\"maxMicros\":"); w.number(l.maxMicros)
        w.raw(",\"meanMicros\":"); try w.decimal(l.meanMicros, "latency.meanMicros"); w.raw(",\"minMicros\":"); w.number(l.minMicros)
        w.raw(",\"p50Micros\":"); w.number(l.p50Micros); w.raw(",\"p95Micros\":"); w.number(l.p95Micros)
        w.raw(",\"p99Micros\":"); w.number(l.p99Micros); w.raw("}")
        w.raw(",\"predictions\":"); w.list(report.predictions)
        w.raw(",\"queue\":{\"bytes\":"); w.signed(Int64(report.queue.bytes)); w.raw(",\"depth\":"); w.signed(Int64(report.queue.depth))
        w.raw(",\"dropped\":"); w.number(report.queue.dropped); w.raw("}")
        let r = report.resources
        w.raw(",\"resources\":{\"cpuCores\":"); try w.decimal(r.cpuCores, "resources.cpuCores"); w.raw(",\"rssBytes\":"); w.number(r.rssBytes)
        if let t = r.temperatureCelsius { w.raw(",\"temperatureCelsius\":"); try w.decimal(t, "resources.temperatureCelsius") }
        if let t = r.thermalState { w.raw(",\"thermalState\":"); w.text(t.rawValue) }
        if let t = r.throttled { w.raw(",\"throttled\":"); w.number(UInt64(t)) }
        w.raw("}")
        if let s = report.shadow {
            w.raw(",\"shadow\":{\"agreed\":"); w.number(s.agreed); w.raw(",\"candidate\":"); w.bundle(s.candidate)
            w.raw(",\"compared\":"); w.number(s.compared); w.raw("}")
        }
        w.raw(",\"throughput\":"); try w.decimal(report.throughput, "throughput"); w.raw("}")
        w.raw(",\"device\":"); w.text(envelope.device); w.raw(",\"head\":"); w.number(envelope.head)
        w.raw(",\"kind\":"); w.text(envelope.kind.rawValue); w.raw(",\"seq\":"); w.number(envelope.seq)
        w.raw(",\"stream\":"); w.text(envelope.stream); w.raw(",\"time\":"); w.signed(envelope.time)
        w.raw(",\"v\":"); w.signed(Int64(envelope.version)); w.raw("}")
        return w.bytes
    }

    private mutating func bundle(_ b: BundleReference) {
        raw("{\"digest\":"); text(b.digest); raw(",\"name\":"); text(b.name)
        raw(",\"releaseCounter\":"); number(b.releaseCounter); raw(",\"version\":"); text(b.version); raw("}")
    }

    private mutating func raw(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A JSON string: quote, backslash and control characters escaped as `JSONEncoder` does, `/` and non-ASCII as is.
    private mutating func text(_ value: String) {
        bytes.append(0x22)
        for byte in value.utf8 {
            switch byte {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
            case 0x0D: bytes.append(0x5C); bytes.append(0x72)
            case 0x09: bytes.append(0x5C); bytes.append(0x74)
            case 0x08: bytes.append(0x5C); bytes.append(0x62)
            case 0x0C: bytes.append(0x5C); bytes.append(0x66)
            case ..<0x20:
                let hex: StaticString = "0123456789abcdef"
                raw("\\u00")
                bytes.append(hex.utf8Start[Int(byte >> 4)])
                bytes.append(hex.utf8Start[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }

    private mutating func number(_ value: UInt64) {
        if value < 10 {
            bytes.append(0x30 + UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for UInt64.max's 20 digits
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[23 - count] = 0x30 + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            bytes.append(contentsOf: buffer[(24 - count)...])
        }
    }

    private mutating func signed(_ value: Int64) {
        if value < 0 { bytes.append(0x2D) }
        number(value.magnitude)
    }

    /// The shortest digits that read back to the same double (`1.39`, `5e-324`, `-0.0`); a whole number loses its
    /// `.0` as with `JSONEncoder`, except zero, whose sign must survive.
    private mutating func decimal(_ value: Double, _ field: StaticString) throws(FleetProtocolError) {
        guard value.isFinite else {
            throw FleetProtocolError(.invalidMessage, "cannot encode TelemetryReport: \(field) is \(value), which JSON cannot carry")
        }
        var text = value.description
        if value != 0, text.utf8.count > 2, text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    private mutating func list(_ values: [UInt64]) {
        bytes.append(0x5B)
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            number(value)
        }
        bytes.append(0x5D)
    }
}
