/// The thresholds of the gates between waves; every field has a documented default (docs/rollouts.md).
public struct RolloutGatePolicy: Sendable, Equatable {
    /// Below this many inferences in the wave (or the control) a telemetry gate is inconclusive.
    public var minimumInferences: UInt64
    /// Below this fraction of the wave's devices reporting telemetry, the telemetry gates are inconclusive:
    /// a device that stops reporting is unknown, not healthy.
    public var minimumReportingFraction: Double
    /// Install success rate (committed over finished installs) the wave must reach.
    public var minimumInstallSuccess: Double
    /// The wave's inference error rate may exceed the control's by at most this much (absolute).
    public var maximumErrorRateIncrease: Double
    /// The wave's latency p95 may be at most this multiple of the control's.
    public var maximumLatencyRatio: Double
    /// Jensen–Shannon distance (base 2, 0…1) between the wave's and the control's predicted-class distributions.
    public var maximumPredictionDistance: Double
    /// The wave's mean top-class confidence may fall below the control's by at most this much (absolute).
    public var maximumConfidenceDrop: Double
    /// Minimum shadow agreement with the champion, when devices report it; nil skips the gate.
    public var minimumShadowAgreement: Double?
    /// The wave's hottest device may exceed the control's hottest by at most this many °C.
    public var maximumTemperatureIncrease: Double
    /// Agent restarts per device-hour the wave may add beyond the control's (differences in differences when both
    /// reported before the wave). A wave needs at least two restarts to fail: one is not a pattern.
    public var maximumRestartRateIncrease: Double
    /// The share of the wave's devices throttling (firmware bits 0–3 now) may exceed the control's by at most this
    /// much (absolute, 0…1; differences in differences when both reported before).
    public var maximumThrottledShareIncrease: Double
    /// The wave's memory p95 (agent RSS) may grow by at most this fraction more than the control's (relative to each
    /// group's own p95 before the wave when known, else the wave's p95 against the control's).
    public var maximumMemoryIncrease: Double

    public init(minimumInferences: UInt64 = 200, minimumReportingFraction: Double = 0.8, minimumInstallSuccess: Double = 0.95,
                maximumErrorRateIncrease: Double = 0.01, maximumLatencyRatio: Double = 1.25, maximumPredictionDistance: Double = 0.1,
                maximumConfidenceDrop: Double = 0.1, minimumShadowAgreement: Double? = nil, maximumTemperatureIncrease: Double = 10,
                maximumRestartRateIncrease: Double = 1, maximumThrottledShareIncrease: Double = 0.1, maximumMemoryIncrease: Double = 0.25) {
        self.minimumInferences = minimumInferences
        self.minimumReportingFraction = minimumReportingFraction
        self.minimumInstallSuccess = minimumInstallSuccess
        self.maximumErrorRateIncrease = maximumErrorRateIncrease
        self.maximumLatencyRatio = maximumLatencyRatio
        self.maximumPredictionDistance = maximumPredictionDistance
        self.maximumConfidenceDrop = maximumConfidenceDrop
        self.minimumShadowAgreement = minimumShadowAgreement
        self.maximumTemperatureIncrease = maximumTemperatureIncrease
        self.maximumRestartRateIncrease = maximumRestartRateIncrease
        self.maximumThrottledShareIncrease = maximumThrottledShareIncrease
        self.maximumMemoryIncrease = maximumMemoryIncrease
    }

    public func validate() throws(CollectorError) {
        func fraction(_ value: Double, _ name: String) throws(CollectorError) {
            guard value.isFinite, (0...1).contains(value) else {
                throw CollectorError(.invalidRequest, "gates.\(name) must be within 0…1 (got \(value))")
            }
        }
        try fraction(minimumReportingFraction, "minimumReportingFraction")
        try fraction(minimumInstallSuccess, "minimumInstallSuccess")
        try fraction(maximumErrorRateIncrease, "maximumErrorRateIncrease")
        try fraction(maximumPredictionDistance, "maximumPredictionDistance")
        try fraction(maximumConfidenceDrop, "maximumConfidenceDrop")
        try fraction(maximumThrottledShareIncrease, "maximumThrottledShareIncrease")
        guard maximumRestartRateIncrease.isFinite, maximumRestartRateIncrease >= 0 else {
            throw CollectorError(.invalidRequest, "gates.maximumRestartRateIncrease must be a non-negative number of restarts per device-hour")
        }
        guard maximumMemoryIncrease.isFinite, maximumMemoryIncrease >= 0, maximumMemoryIncrease <= 100 else {
            throw CollectorError(.invalidRequest, "gates.maximumMemoryIncrease must be within 0…100 (a fraction: 0.25 is 25 % more)")
        }
        if let minimumShadowAgreement { try fraction(minimumShadowAgreement, "minimumShadowAgreement") }
        guard maximumLatencyRatio.isFinite, maximumLatencyRatio >= 1, maximumLatencyRatio <= 100 else {
            throw CollectorError(.invalidRequest, "gates.maximumLatencyRatio must be within 1…100 (got \(maximumLatencyRatio))")
        }
        guard maximumTemperatureIncrease.isFinite, maximumTemperatureIncrease >= 0 else {
            throw CollectorError(.invalidRequest, "gates.maximumTemperatureIncrease must be a non-negative number")
        }
        guard minimumInferences <= 1_000_000_000 else {
            throw CollectorError(.invalidRequest, "gates.minimumInferences must be at most 1000000000")
        }
    }
}
