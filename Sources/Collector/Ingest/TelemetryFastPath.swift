import FleetProtocol

/// Decodes telemetry envelopes (the bulk of all traffic) without Foundation's `JSONDecoder`.
///
/// The result equals what `JSONDecoder` makes of the same bytes, doubles bit for bit (`TelemetryCodecPropertyTests`
/// checks random envelopes against the Codable types). Anything this path does not handle (escaped keys, a
/// repeated key, a missing field, a wrong type) returns nil and the message takes the general path, which accepts
/// it or names the reason for refusing it.
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
            if s.equals(key, "body") { return assign(&body, report(&s)) }
            if s.equals(key, "v") { return assign(&version, s.int()) }
            if s.equals(key, "kind") { return assign(&kind, s.string().flatMap(MessageKind.init(rawValue:))) }
            if s.equals(key, "device") { return assign(&device, s.string()) }
            if s.equals(key, "stream") { return assign(&stream, s.string()) }
            if s.equals(key, "seq") { return assign(&seq, s.unsigned()) }
            if s.equals(key, "head") { return assign(&head, s.unsigned()) }
            if s.equals(key, "time") { return assign(&time, s.signed()) }
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
        var capture: CaptureStatistics?, counters: [String: Double]?, shadowSeen = false
        let ok = s.object { s, key in
            if s.equals(key, "intervalStart") { return assign(&intervalStart, s.signed()) }
            if s.equals(key, "intervalEnd") { return assign(&intervalEnd, s.signed()) }
            if s.equals(key, "bundle") {
                guard bundle == nil else { return false }
                if s.null() { bundle = .some(nil); return true }
                guard let reference = bundleReference(&s) else { return false }
                bundle = .some(reference)
                return true
            }
            if s.equals(key, "inferences") { return assign(&inferences, s.unsigned()) }
            if s.equals(key, "errors") { return assign(&errors, s.unsigned()) }
            if s.equals(key, "droppedInputs") { return assign(&dropped, s.unsigned()) }
            if s.equals(key, "throughput") { return assign(&throughput, s.double()) }
            if s.equals(key, "latency") { return assign(&latency, latencySummary(&s)) }
            if s.equals(key, "predictions") { return assign(&predictions, s.unsignedArray()) }
            if s.equals(key, "confidence") { return assign(&confidence, s.unsignedArray()) }
            if s.equals(key, "features") { return assign(&features, featureList(&s)) }
            if s.equals(key, "resources") { return assign(&resources, resourceUsage(&s)) }
            if s.equals(key, "queue") { return assign(&queue, queueStatus(&s)) }
            if s.equals(key, "capture") { return assign(&capture, captureStatistics(&s)) }
            if s.equals(key, "counters") { return assign(&counters, counterMap(&s)) }
            if s.equals(key, "shadow") {
                guard !shadowSeen else { return false }
                shadowSeen = true
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

    /// Stores a field's value; false (and the general path) when the value is missing or wrong, or the key repeats.
    ///
    /// JSONDecoder picks one of two repeated keys; which one is its business, so the fast path does not guess.
    private static func assign<Value>(_ slot: inout Value?, _ value: Value?) -> Bool {
        guard slot == nil, let value else { return false }
        slot = value
        return true
    }

    private static func bundleReference(_ s: inout JSONScanner) -> BundleReference? {
        var name: String?, version: String?, digest: String?, release: UInt64?
        let ok = s.object { s, key in
            if s.equals(key, "name") { return assign(&name, s.string()) }
            if s.equals(key, "version") { return assign(&version, s.string()) }
            if s.equals(key, "digest") { return assign(&digest, s.string()) }
            if s.equals(key, "releaseCounter") { return assign(&release, s.unsigned()) }
            return s.skipValue()
        }
        guard ok, let name, let version, let digest, let release else { return nil }
        return BundleReference(name: name, version: version, digest: digest, releaseCounter: release)
    }

    private static func latencySummary(_ s: inout JSONScanner) -> LatencySummary? {
        var count: UInt64?, minimum: UInt64?, mean: Double?, p50: UInt64?, p95: UInt64?, p99: UInt64?, maximum: UInt64?
        var buckets: [[UInt64]]?
        let ok = s.object { s, key in
            if s.equals(key, "count") { return assign(&count, s.unsigned()) }
            if s.equals(key, "minMicros") { return assign(&minimum, s.unsigned()) }
            if s.equals(key, "meanMicros") { return assign(&mean, s.double()) }
            if s.equals(key, "p50Micros") { return assign(&p50, s.unsigned()) }
            if s.equals(key, "p95Micros") { return assign(&p95, s.unsigned()) }
            if s.equals(key, "p99Micros") { return assign(&p99, s.unsigned()) }
            if s.equals(key, "maxMicros") { return assign(&maximum, s.unsigned()) }
            if s.equals(key, "buckets") {
                guard buckets == nil, s.consume(0x5B) else { return false }
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
                if s.equals(key, "name") { return assign(&name, s.string()) }
                if s.equals(key, "counts") { return assign(&counts, s.unsignedArray()) }
                return s.skipValue()
            }
            guard ok, let name, let counts else { return nil }
            list.append(FeatureCounts(name: name, counts: counts))
        } while s.consume(0x2C)
        return s.consume(0x5D) ? list : nil
    }

    private static func resourceUsage(_ s: inout JSONScanner) -> ResourceUsage? {
        var rss: UInt64?, cpu: Double?, temperature: Double?, throttled: UInt32?, temperatureSeen = false, throttledSeen = false
        var thermal: String?, thermalSeen = false
        let ok = s.object { s, key in
            if s.equals(key, "rssBytes") { return assign(&rss, s.unsigned()) }
            if s.equals(key, "cpuCores") { return assign(&cpu, s.double()) }
            if s.equals(key, "temperatureCelsius") {
                guard !temperatureSeen else { return false }
                temperatureSeen = true
                if s.null() { return true }
                return assign(&temperature, s.double())
            }
            if s.equals(key, "throttled") {
                guard !throttledSeen else { return false }
                throttledSeen = true
                if s.null() { return true }
                return assign(&throttled, s.unsigned().flatMap { UInt32(exactly: $0) })
            }
            if s.equals(key, "thermalState") {
                guard !thermalSeen else { return false }
                thermalSeen = true
                if s.null() { return true }
                return assign(&thermal, s.string())
            }
            return s.skipValue()
        }
        guard ok, let rss, let cpu else { return nil }
        return ResourceUsage(rssBytes: rss, cpuCores: cpu, temperatureCelsius: temperature, throttled: throttled,
                             thermalState: thermal.map(ThermalState.init(rawValue:)))
    }

    private static func queueStatus(_ s: inout JSONScanner) -> QueueStatus? {
        var depth: Int?, bytes: Int?, dropped: UInt64?
        let ok = s.object { s, key in
            if s.equals(key, "depth") { return assign(&depth, s.int()) }
            if s.equals(key, "bytes") { return assign(&bytes, s.int()) }
            if s.equals(key, "dropped") { return assign(&dropped, s.unsigned()) }
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
            return assign(&values[slot], s.unsigned())
        }
        guard ok, let captured = values[0], let overBudget = values[1], let labeled = values[2], let correct = values[3],
              let unmatched = values[4] else { return nil }
        return CaptureStatistics(captured: captured, overBudget: overBudget, labeled: labeled, correct: correct, unmatched: unmatched)
    }

    private static func shadowStatistics(_ s: inout JSONScanner) -> ShadowStatistics? {
        var candidate: BundleReference?, compared: UInt64?, agreed: UInt64?
        let ok = s.object { s, key in
            if s.equals(key, "candidate") { return assign(&candidate, bundleReference(&s)) }
            if s.equals(key, "compared") { return assign(&compared, s.unsigned()) }
            if s.equals(key, "agreed") { return assign(&agreed, s.unsigned()) }
            return s.skipValue()
        }
        guard ok, let candidate, let compared, let agreed else { return nil }
        return ShadowStatistics(candidate: candidate, compared: compared, agreed: agreed)
    }

    private static func counterMap(_ s: inout JSONScanner) -> [String: Double]? {
        var map: [String: Double] = [:]
        let ok = s.object { s, key in
            // `rawString` validated the key's UTF-8; a repeated label is left to JSONDecoder.
            guard let value = s.double(),
                  map.updateValue(value, forKey: String(decoding: UnsafeBufferPointer(rebasing: s.bytes[key]), as: UTF8.self)) == nil
            else { return false }
            return true
        }
        return ok ? map : nil
    }
}
