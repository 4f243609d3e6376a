import FleetSupport

extension RolloutTarget: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case profiles, tags, groups, devices }

    /// Missing lists are empty; unknown keys are refused.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(profiles: try c.decodeIfPresent([String].self, forKey: .profiles) ?? [],
                  tags: try c.decodeIfPresent([String].self, forKey: .tags) ?? [],
                  groups: try c.decodeIfPresent([String].self, forKey: .groups) ?? [],
                  devices: try c.decodeIfPresent([String].self, forKey: .devices) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(profiles, forKey: .profiles)
        try c.encode(tags, forKey: .tags)
        try c.encode(groups, forKey: .groups)
        try c.encode(devices, forKey: .devices)
    }
}
