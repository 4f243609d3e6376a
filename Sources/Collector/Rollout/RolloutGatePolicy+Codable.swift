import FleetSupport

extension RolloutGatePolicy: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case minimumInferences, minimumReportingFraction, minimumInstallSuccess, maximumErrorRateIncrease, maximumLatencyRatio,
             maximumPredictionDistance, maximumConfidenceDrop, minimumShadowAgreement, maximumTemperatureIncrease, maximumRestartRateIncrease,
             maximumThrottledShareIncrease, maximumMemoryIncrease
    }

    /// Missing keys take the defaults; unknown keys are refused.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RolloutGatePolicy()
        self.init(minimumInferences: try c.decodeIfPresent(UInt64.self, forKey: .minimumInferences) ?? d.minimumInferences,
                  minimumReportingFraction: try c.decodeIfPresent(Double.self, forKey: .minimumReportingFraction) ?? d.minimumReportingFraction,
                  minimumInstallSuccess: try c.decodeIfPresent(Double.self, forKey: .minimumInstallSuccess) ?? d.minimumInstallSuccess,
                  maximumErrorRateIncrease: try c.decodeIfPresent(Double.self, forKey: .maximumErrorRateIncrease) ?? d.maximumErrorRateIncrease,
                  maximumLatencyRatio: try c.decodeIfPresent(Double.self, forKey: .maximumLatencyRatio) ?? d.maximumLatencyRatio,
                  maximumPredictionDistance: try c.decodeIfPresent(Double.self, forKey: .maximumPredictionDistance) ?? d.maximumPredictionDistance,
                  maximumConfidenceDrop: try c.decodeIfPresent(Double.self, forKey: .maximumConfidenceDrop) ?? d.maximumConfidenceDrop,
                  minimumShadowAgreement: try c.decodeIfPresent(Double.self, forKey: .minimumShadowAgreement),
                  maximumTemperatureIncrease: try c.decodeIfPresent(Double.self, forKey: .maximumTemperatureIncrease) ?? d.maximumTemperatureIncrease,
                  maximumRestartRateIncrease: try c.decodeIfPresent(Double.self, forKey: .maximumRestartRateIncrease) ?? d.maximumRestartRateIncrease,
                  maximumThrottledShareIncrease: try c.decodeIfPresent(Double.self, forKey: .maximumThrottledShareIncrease)
                      ?? d.maximumThrottledShareIncrease,
                  maximumMemoryIncrease: try c.decodeIfPresent(Double.self, forKey: .maximumMemoryIncrease) ?? d.maximumMemoryIncrease)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(minimumInferences, forKey: .minimumInferences)
        try c.encode(minimumReportingFraction, forKey: .minimumReportingFraction)
        try c.encode(minimumInstallSuccess, forKey: .minimumInstallSuccess)
        try c.encode(maximumErrorRateIncrease, forKey: .maximumErrorRateIncrease)
        try c.encode(maximumLatencyRatio, forKey: .maximumLatencyRatio)
        try c.encode(maximumPredictionDistance, forKey: .maximumPredictionDistance)
        try c.encode(maximumConfidenceDrop, forKey: .maximumConfidenceDrop)
        try c.encodeIfPresent(minimumShadowAgreement, forKey: .minimumShadowAgreement)
        try c.encode(maximumTemperatureIncrease, forKey: .maximumTemperatureIncrease)
        try c.encode(maximumRestartRateIncrease, forKey: .maximumRestartRateIncrease)
        try c.encode(maximumThrottledShareIncrease, forKey: .maximumThrottledShareIncrease)
        try c.encode(maximumMemoryIncrease, forKey: .maximumMemoryIncrease)
    }
}
