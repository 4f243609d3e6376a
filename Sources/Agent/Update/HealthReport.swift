/// The outcome of a candidate's health check; `failures` is empty when it passed.
struct HealthReport: Sendable {
    var failures: [String]
    /// Median latency over all golden-case runs.
    var medianLatencyMicros: UInt64

    var passed: Bool { failures.isEmpty }
}
