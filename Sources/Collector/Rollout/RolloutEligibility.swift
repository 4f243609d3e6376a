import Bundles

/// Which targeted devices can run a version: their firmware profile must satisfy the bundle's requirements.
public enum RolloutEligibility {
    /// Splits `devices` into those that can run `version` and the rest, each with its reason.
    ///
    /// A device with no reported profile, or a profile the collector has no description of, is ineligible (an
    /// unknown board is not assumed to fit); so is one serving another model or already serving the version.
    public static func split(_ devices: [DeviceRecord], version: ModelVersionRecord,
                             profiles: [String: FirmwareProfile]) -> (eligible: [DeviceRecord], ineligible: [RolloutIneligibleDevice]) {
        var eligible: [DeviceRecord] = [], ineligible: [RolloutIneligibleDevice] = []
        var fits: [String: [String]] = [:]
        for device in devices {
            if let serving = device.currentBundle?.name, serving != version.model {
                ineligible.append(RolloutIneligibleDevice(deviceID: device.id, reason: "serves model \(serving), not \(version.model)"))
                continue
            }
            guard let profileID = device.profile else {
                ineligible.append(RolloutIneligibleDevice(deviceID: device.id, reason: "no firmware profile reported yet (no birth message stored)"))
                continue
            }
            guard let profile = profiles[profileID] else {
                ineligible.append(RolloutIneligibleDevice(deviceID: device.id,
                                                          reason: "firmware profile \(profileID) is unknown to the collector (rollouts.profilesDirectory)"))
                continue
            }
            let problems = fits[profileID] ?? ProfileFit(requirements: version.requirements, payloadLength: version.size,
                                                         unsupportedOperators: nil, profile: profile).problems.map(\.message)
            fits[profileID] = problems
            if !problems.isEmpty {
                ineligible.append(RolloutIneligibleDevice(deviceID: device.id, reason: problems.joined(separator: "; ")))
            } else if device.currentBundle?.digest == version.digest {
                ineligible.append(RolloutIneligibleDevice(deviceID: device.id, reason: "already serves release \(version.release)"))
            } else {
                eligible.append(device)
            }
        }
        return (eligible, ineligible)
    }
}
