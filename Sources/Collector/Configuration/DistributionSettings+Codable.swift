import FleetSupport

extension DistributionSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case chunkSize, maximumInFlight, resendWindowSeconds }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = DistributionSettings()
        self.init(chunkSize: try c.decodeIfPresent(Int.self, forKey: .chunkSize) ?? d.chunkSize,
                  maximumInFlight: try c.decodeIfPresent(Int.self, forKey: .maximumInFlight) ?? d.maximumInFlight,
                  resendWindowSeconds: try c.decodeIfPresent(Double.self, forKey: .resendWindowSeconds) ?? d.resendWindowSeconds)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(chunkSize, forKey: .chunkSize)
        try c.encode(maximumInFlight, forKey: .maximumInFlight)
        try c.encode(resendWindowSeconds, forKey: .resendWindowSeconds)
    }
}
