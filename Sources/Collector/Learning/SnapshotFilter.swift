/// Which labelled samples a snapshot takes: one model, optionally a device list or a cohort, a time range.
///
/// A device or cohort condition selects captured samples only (imports have no device). Conditions combine with
/// AND; `tags` and `groups` match a device carrying any of the given labels.
public struct SnapshotFilter: Codable, Sendable, Equatable {
    public var model: String
    public var devices: [String]?
    /// Firmware profile of the capturing device.
    public var profile: String?
    public var tags: [String]?
    public var groups: [String]?
    /// Capture or import time, ms since 1970 (from inclusive, to exclusive).
    public var from: Int64?
    public var to: Int64?
    public var includeImported: Bool
    public var includeCaptured: Bool
    /// Share of samples (by hash) in the validation split, 0…90.
    public var validationPercent: Int

    public init(model: String, devices: [String]? = nil, profile: String? = nil, tags: [String]? = nil, groups: [String]? = nil,
                from: Int64? = nil, to: Int64? = nil, includeImported: Bool = true, includeCaptured: Bool = true, validationPercent: Int = 20) {
        self.model = model
        self.devices = devices
        self.profile = profile
        self.tags = tags
        self.groups = groups
        self.from = from
        self.to = to
        self.includeImported = includeImported
        self.includeCaptured = includeCaptured
        self.validationPercent = validationPercent
    }

    /// Whether the filter names devices or a cohort (then imports, which have no device, are left out).
    public var selectsDevices: Bool { devices != nil || profile != nil || tags != nil || groups != nil }
}
