import FleetProtocol

/// Writes telemetry envelopes as JSON by hand: the same bytes `FleetCodec` would accept, at a fraction of
/// `JSONEncoder`'s cost, so a load test measures the collector rather than the simulator.
struct TelemetryWriter {
    private(set) var bytes: [UInt8] = []

    static func envelope(device: String, stream: String, seq: UInt64, head: UInt64, time: Int64, report: TelemetryReport) -> [UInt8] {
        var w = TelemetryWriter()
        w.bytes.reserveCapacity(900)
        w.raw("{\"body\":{\"bundle\":")
        if let b = report.bundle {
            w.raw("{\"digest\":\""); w.text(b.digest); w.raw("\",\"name\":\""); w.text(b.name)
            w.raw("\",\"releaseCounter\":"); w.number(b.releaseCounter); w.raw(",\"version\":\""); w.text(b.version); w.raw("\"}")
        } else {
            w.raw("null")
        }
        let c = report.capture
        w.raw(",\"capture\":{\"captured\":"); w.number(c.captured); w.raw(",\"correct\":"); w.number(c.correct)
        w.raw(",\"labeled\":"); w.number(c.labeled); w.raw(",\"overBudget\":"); w.number(c.overBudget)
        w.raw(",\"unmatched\":"); w.number(c.unmatched); w.raw("}")
        w.raw(",\"confidence\":"); w.list(report.confidence)
        w.raw(",\"counters\":{},\"droppedInputs\":"); w.number(report.droppedInputs)
        w.raw(",\"errors\":"); w.number(report.errors)
        w.raw(",\"features\":[")
        for (index, feature) in report.features.enumerated() {
            if index > 0 { w.raw(",") }
            w.raw("{\"counts\":"); w.list(feature.counts); w.raw(",\"name\":\""); w.text(feature.name); w.raw("\"}")
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
        w.raw(",\"meanMicros\":"); w.decimal(l.meanMicros); w.raw(",\"minMicros\":"); w.number(l.minMicros)
        w.raw(",\"p50Micros\":"); w.number(l.p50Micros); w.raw(",\"p95Micros\":"); w.number(l.p95Micros)
        w.raw(",\"p99Micros\":"); w.number(l.p99Micros); w.raw("}")
        w.raw(",\"predictions\":"); w.list(report.predictions)
        w.raw(",\"queue\":{\"bytes\":"); w.signed(Int64(report.queue.bytes)); w.raw(",\"depth\":"); w.signed(Int64(report.queue.depth))
        w.raw(",\"dropped\":"); w.number(report.queue.dropped); w.raw("}")
        let r = report.resources
        w.raw(",\"resources\":{\"cpuCores\":"); w.decimal(r.cpuCores); w.raw(",\"rssBytes\":"); w.number(r.rssBytes)
        if let t = r.temperatureCelsius { w.raw(",\"temperatureCelsius\":"); w.decimal(t) }
        if let t = r.throttled { w.raw(",\"throttled\":"); w.number(UInt64(t)) }
        w.raw("},\"throughput\":"); w.decimal(report.throughput); w.raw("}")
        w.raw(",\"device\":\""); w.text(device); w.raw("\",\"head\":"); w.number(head)
        w.raw(",\"kind\":\"telemetry\",\"seq\":"); w.number(seq); w.raw(",\"stream\":\""); w.text(stream)
        w.raw("\",\"time\":"); w.signed(time); w.raw(",\"v\":"); w.number(UInt64(FleetProtocol.version)); w.raw("}")
        return w.bytes
    }

    mutating func raw(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Text without characters that need escaping (device IDs, digests, names the simulator chose).
    mutating func text(_ value: String) {
        bytes.append(contentsOf: value.utf8)
    }

    mutating func number(_ value: UInt64) {
        if value < 10 {
            bytes.append(0x30 + UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[19 - count] = 0x30 + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    mutating func signed(_ value: Int64) {
        if value < 0 { bytes.append(0x2D) }
        number(value.magnitude)
    }

    /// Three decimals are plenty for simulated figures and keep reports short.
    mutating func decimal(_ value: Double) {
        let scaled = (value * 1000).rounded()
        guard scaled.isFinite, abs(scaled) < 1e15 else { return bytes.append(0x30) }
        let whole = Int64(scaled)
        if whole < 0 { bytes.append(0x2D) }
        let magnitude = whole.magnitude
        number(magnitude / 1000)
        var fraction = magnitude % 1000
        guard fraction > 0 else { return }
        bytes.append(0x2E)
        var digits = 3
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let text = String(fraction)
        for _ in 0..<(digits - text.utf8.count) { bytes.append(0x30) }
        bytes.append(contentsOf: text.utf8)
    }

    mutating func list(_ values: [UInt64]) {
        bytes.append(0x5B)
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            number(value)
        }
        bytes.append(0x5D)
    }
}
