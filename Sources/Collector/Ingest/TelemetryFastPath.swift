import FleetProtocol

/// Decodes telemetry envelopes (the bulk of all traffic) without Foundation's `JSONDecoder`.
///
/// The result equals what `JSONDecoder` makes of the same bytes. Anything this path does not handle (string
/// escapes, exponents, a missing field, a wrong type) returns nil and the message takes the general path,
/// which accepts it or names the reason for refusing it.
public enum TelemetryFastPath {
    /// The envelope, or nil when the general decoder must judge the bytes.
    public static func decode(_ payload: [UInt8]) -> Envelope<TelemetryReport>? {
        payload.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            let envelope = decodeEnvelope(&scanner)
            return scanner.atEnd ? envelope : nil
        }
    }

    private static func decodeEnvelope(_ s: inout JSONScanner) -> Envelope<TelemetryReport>? {
        var version: Int?, kind: MessageKind?, device: String?, stream: String?, seq: UInt64?, head: UInt64?, time: Int64?
        var body: TelemetryReport?
        let ok = s.object { s, key in
            if s.equals(key, "body") { body = report(&s); return body != nil }
            if s.equals(key, "v") { version = s.int(); return version != nil }
            if s.equals(key, "kind") { kind = s.string().flatMap(MessageKind.init(rawValue:)); return kind != nil }
            if s.equals(key, "device") { device = s.string(); return device != nil }
            if s.equals(key, "stream") { stream = s.string(); return stream != nil }
            if s.equals(key, "seq") { seq = s.unsigned(); return seq != nil }
            if s.equals(key, "head") { head = s.unsigned(); return head != nil }
            if s.equals(key, "time") { time = s.signed(); return time != nil }
            return s.skipValue()
        }
        guard ok, let version, let kind, let device, let stream, let seq, let head, let time, let body else { return nil }
        var envelope = Envelope(kind: kind, device: device, stream: stream, seq: seq, head: head, time: time, body: body)
        envelope.version = version
        return envelope
    }

    private static func report(_ s: inout JSONScanner) -> TelemetryReport? {
        var intervalStart: Int64?, intervalEnd: Int64?, bundle: BundleReference??, inferences: UInt64?, errors: UInt64?
        var dropped: UInt64?, throughput: Double?, latency: LatencySummary?, predictions: [UInt64]?, confidence: [UInt64]?
        var features: [FeatureCounts]?, resources: ResourceUsage?, queue: QueueStatus?, shadow: ShadowStatistics?? = .some(nil)
        var capture: CaptureStatistics?, counters: [String: Double]?
        let ok = s.object { s, key in
            if s.equals(key, "intervalStart") { intervalStart = s.signed(); return intervalStart != nil }
            if s.equals(key, "intervalEnd") { intervalEnd = s.signed(); return intervalEnd != nil }
            if s.equals(key, "bundle") {
                if s.null() { bundle = .some(nil); return true }
                guard let reference = bundleReference(&s) else { return false }
                bundle = .some(reference)
                return true
            }
            if s.equals(key, "inferences") { inferences = s.unsigned(); return inferences != nil }
            if s.equals(key, "errors") { errors = s.unsigned(); return errors != nil }
            if s.equals(key, "droppedInputs") { dropped = s.unsigned(); return dropped != nil }
            if s.equals(key, "throughput") { throughput = s.double(); return throughput != nil }
            if s.equals(key, "latency") { latency = latencySummary(&s); return latency != nil }
            if s.equals(key, "predictions") { predictions = s.unsignedArray(); return predictions != nil }
            if s.equals(key, "confidence") { confidence = s.unsignedArray(); return confidence != nil }
            if s.equals(key, "features") { features = featureList(&s); return features != nil }
            if s.equals(key, "resources") { resources = resourceUsage(&s); return resources != nil }
            if s.equals(key, "queue") { queue = queueStatus(&s); return queue != nil }
            if s.equals(key, "capture") { capture = captureStatistics(&s); return capture != nil }
            if s.equals(key, "counters") { counters = counterMap(&s); return counters != nil }
            if s.equals(key, "shadow") {
                if s.null() { shadow = .some(nil); return true }
                guard let statistics = shadowStatistics(&s) else { return false }
                shadow = .some(statistics)
                return true
            }
            return s.skipValue()
        }
        // `bundle` is optional: absent and null both mean none, as with JSONDecoder.
        guard ok, let intervalStart, let intervalEnd, let inferences, let errors, let dropped, let throughput, let latency,
              let predictions, let confidence, let features, let resources, let queue, let capture, let counters, let shadow else { return nil }
        return TelemetryReport(intervalStart: intervalStart, intervalEnd: intervalEnd, bundle: bundle ?? nil, inferences: inferences, errors: errors,
                               droppedInputs: dropped, throughput: throughput, latency: latency, predictions: predictions, confidence: confidence,
                               features: features, resources: resources, queue: queue, shadow: shadow, capture: capture, counters: counters)
    }

    private static func bundleReference(_ s: inout JSONScanner) -> BundleReference? {
        var name: String?, version: String?, digest: String?, release: UInt64?
        let ok = s.object { s, key in
            if s.equals(key, "name") { name = s.string(); return name != nil }
            if s.equals(key, "version") { version = s.string(); return version != nil }
            if s.equals(key, "digest") { digest = s.string(); return digest != nil }
            if s.equals(key, "releaseCounter") { release = s.unsigned(); return release != nil }
            return s.skipValue()
        }
        guard ok, let name, let version, let digest, let release else { return nil }
        return BundleReference(name: name, version: version, digest: digest, releaseCounter: release)
    }

    private static func latencySummary(_ s: inout JSONScanner) -> LatencySummary? {
        var count: UInt64?, minimum: UInt64?, mean: Double?, p50: UInt64?, p95: UInt64?, p99: UInt64?, maximum: UInt64?
        var buckets: [[UInt64]]?
        let ok = s.object { s, key in
            if s.equals(key, "count") { count = s.unsigned(); return count != nil }
            if s.equals(key, "minMicros") { minimum = s.unsigned(); return minimum != nil }
            if s.equals(key, "meanMicros") { mean = s.double(); return mean != nil }
            if s.equals(key, "p50Micros") { p50 = s.unsigned(); return p50 != nil }
            if s.equals(key, "p95Micros") { p95 = s.unsigned(); return p95 != nil }
            if s.equals(key, "p99Micros") { p99 = s.unsigned(); return p99 != nil }
            if s.equals(key, "maxMicros") { maximum = s.unsigned(); return maximum != nil }
            if s.equals(key, "buckets") {
                guard s.consume(0x5B) else { return false }
                var list: [[UInt64]] = []
                if !s.consume(0x5D) {
                    repeat {
                        guard let pair = s.unsignedArray() else { return false }
                        list.append(pair)
                    } while s.consume(0x2C)
                    guard s.consume(0x5D) else { return false }
                }
                buckets = list
                return true
            }
            return s.skipValue()
        }
        guard ok, let count, let minimum, let mean, let p50, let p95, let p99, let maximum, let buckets else { return nil }
        return LatencySummary(count: count, minMicros: minimum, meanMicros: mean, p50Micros: p50, p95Micros: p95, p99Micros: p99,
                              maxMicros: maximum, buckets: buckets)
    }

    private static func featureList(_ s: inout JSONScanner) -> [FeatureCounts]? {
        guard s.consume(0x5B) else { return nil }
        var list: [FeatureCounts] = []
        if s.consume(0x5D) { return list }
        repeat {
            var name: String?, counts: [UInt64]?
            let ok = s.object { s, key in
                if s.equals(key, "name") { name = s.string(); return name != nil }
                if s.equals(key, "counts") { counts = s.unsignedArray(); return counts != nil }
                return s.skipValue()
            }
            guard ok, let name, let counts else { return nil }
            list.append(FeatureCounts(name: name, counts: counts))
        } while s.consume(0x2C)
        return s.consume(0x5D) ? list : nil
    }

    private static func resourceUsage(_ s: inout JSONScanner) -> ResourceUsage? {
        var rss: UInt64?, cpu: Double?, temperature: Double?, throttled: UInt32?
        let ok = s.object { s, key in
            if s.equals(key, "rssBytes") { rss = s.unsigned(); return rss != nil }
            if s.equals(key, "cpuCores") { cpu = s.double(); return cpu != nil }
            if s.equals(key, "temperatureCelsius") {
                if s.null() { temperature = nil; return true }
                temperature = s.double()
                return temperature != nil
            }
            if s.equals(key, "throttled") {
                if s.null() { throttled = nil; return true }
                guard let value = s.unsigned(), let narrow = UInt32(exactly: value) else { return false }
                throttled = narrow
                return true
            }
            return s.skipValue()
        }
        guard ok, let rss, let cpu else { return nil }
        return ResourceUsage(rssBytes: rss, cpuCores: cpu, temperatureCelsius: temperature, throttled: throttled)
    }

    private static func queueStatus(_ s: inout JSONScanner) -> QueueStatus? {
        var depth: Int?, bytes: Int?, dropped: UInt64?
        let ok = s.object { s, key in
            if s.equals(key, "depth") { depth = s.int(); return depth != nil }
            if s.equals(key, "bytes") { bytes = s.int(); return bytes != nil }
            if s.equals(key, "dropped") { dropped = s.unsigned(); return dropped != nil }
            return s.skipValue()
        }
        guard ok, let depth, let bytes, let dropped else { return nil }
        return QueueStatus(depth: depth, bytes: bytes, dropped: dropped)
    }

    private static func captureStatistics(_ s: inout JSONScanner) -> CaptureStatistics? {
        var values: [UInt64?] = [nil, nil, nil, nil, nil]
        let ok = s.object { s, key in
            let slot: Int
            if s.equals(key, "captured") { slot = 0 } else if s.equals(key, "overBudget") { slot = 1 } else if s.equals(key, "labeled") { slot = 2 }
            else if s.equals(key, "correct") { slot = 3 } else if s.equals(key, "unmatched") { slot = 4 } else { return s.skipValue() }
            values[slot] = s.unsigned()
            return values[slot] != nil
        }
        guard ok, let captured = values[0], let overBudget = values[1], let labeled = values[2], let correct = values[3],
              let unmatched = values[4] else { return nil }
        return CaptureStatistics(captured: captured, overBudget: overBudget, labeled: labeled, correct: correct, unmatched: unmatched)
    }

    private static func shadowStatistics(_ s: inout JSONScanner) -> ShadowStatistics? {
        var candidate: BundleReference?, compared: UInt64?, agreed: UInt64?
        let ok = s.object { s, key in
            if s.equals(key, "candidate") { candidate = bundleReference(&s); return candidate != nil }
            if s.equals(key, "compared") { compared = s.unsigned(); return compared != nil }
            if s.equals(key, "agreed") { agreed = s.unsigned(); return agreed != nil }
            return s.skipValue()
        }
        guard ok, let candidate, let compared, let agreed else { return nil }
        return ShadowStatistics(candidate: candidate, compared: compared, agreed: agreed)
    }

    private static func counterMap(_ s: inout JSONScanner) -> [String: Double]? {
        var map: [String: Double] = [:]
        let ok = s.object { s, key in
            guard let value = s.double() else { return false }
            map[String(decoding: UnsafeBufferPointer(rebasing: s.bytes[key]), as: UTF8.self)] = value
            return true
        }
        return ok ? map : nil
    }
}
