/// Which devices a rollout is for: the union of the listed profiles, tags, groups and device IDs.
///
/// An empty list does not restrict; a target with every list empty is refused (``validate()``), so a rollout
/// never means "the whole fleet" by accident.
public struct RolloutTarget: Sendable, Equatable {
    public var profiles: [String]
    public var tags: [String]
    public var groups: [String]
    public var devices: [String]

    public init(profiles: [String] = [], tags: [String] = [], groups: [String] = [], devices: [String] = []) {
        self.profiles = profiles
        self.tags = tags
        self.groups = groups
        self.devices = devices
    }

    /// Whether a device matches any criterion.
    public func matches(_ device: DeviceRecord) -> Bool {
        if devices.contains(device.id) { return true }
        if let profile = device.profile, profiles.contains(profile) { return true }
        if tags.contains(where: device.tags.contains) { return true }
        if groups.contains(where: device.groups.contains) { return true }
        return false
    }

    public var isEmpty: Bool { profiles.isEmpty && tags.isEmpty && groups.isEmpty && devices.isEmpty }

    public func validate() throws(CollectorError) {
        guard !isEmpty else {
            throw CollectorError(.invalidRequest, "the target is empty: list profiles, tags, groups or devices")
        }
        for value in profiles + tags + groups + devices where value.isEmpty || value.utf8.count > 128 {
            throw CollectorError(.invalidRequest, "target entries must have 1 to 128 characters")
        }
    }
}
