/// Ground truth for simulated devices: they capture some of the rows they see as samples and, after a delay (a
/// technician's inspection), report each sample's true label — the machine condition the scenario drew the row from,
/// which a drifting sensor does not change (`VibrationScenario.labelledRows`).
///
/// Devices capture `captureRate` of their rows on their own and more while a `capture` command from the collector is
/// in force (the command's `randomRate`, for its `durationSeconds`), at most `maximumPerReport` per report. Samples
/// carry the row as a float32 `[1, F]` tensor, as the agent captures the input of a model that takes raw features.
public struct LabellingOracle: Sendable {
    /// Share of rows captured without a capture request (0: only on request).
    public var captureRate: Double
    /// Seconds from a capture to its true label.
    public var labelDelaySeconds: Double
    /// Samples a device captures per report at most.
    public var maximumPerReport: Int

    public init(captureRate: Double = 0, labelDelaySeconds: Double = 2, maximumPerReport: Int = 8) {
        self.captureRate = captureRate
        self.labelDelaySeconds = labelDelaySeconds
        self.maximumPerReport = maximumPerReport
    }
}
