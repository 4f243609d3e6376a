/// Whether a bundle's requirements fit a board profile, every problem named, plus a latency estimate.
public struct ProfileFit: Sendable {
    public let profileID: String
    /// Empty when the bundle fits; otherwise one error per problem, unsupported operators first.
    public let problems: [BundleError]
    /// MACs divided by the profile's effective int8 throughput.
    public let estimatedLatencySeconds: Double
    public let requirements: DeviceRequirements
    public let payloadLength: Int

    public var fits: Bool { problems.isEmpty }

    /// Checks features, memory budgets, operators (when known) and an optional latency deadline.
    public init(requirements: DeviceRequirements, payloadLength: Int, unsupportedOperators: [String]?,
                profile: FirmwareProfile, deadlineSeconds: Double? = nil) {
        profileID = profile.id
        self.requirements = requirements
        self.payloadLength = payloadLength
        estimatedLatencySeconds = profile.estimatedLatencySeconds(macs: requirements.macs)
        var problems: [BundleError] = []
        if let unsupported = unsupportedOperators, !unsupported.isEmpty {
            problems.append(BundleError(.unsupportedOperator,
                "the runtime does not implement operator\(unsupported.count == 1 ? "" : "s") \(unsupported.joined(separator: ", "))"))
        }
        let missing = requirements.requiredFeatures.filter { !profile.features.contains($0.lowercased()) }
        if !missing.isEmpty {
            problems.append(BundleError(.profileMismatch,
                "\(profile.id) lacks required CPU feature\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) (it has \(profile.features.joined(separator: ", ")))"))
        }
        let memory = profile.memory
        if requirements.arenaBytes > memory.arenaBytes {
            problems.append(BundleError(.profileMismatch,
                "arena of \(Self.size(requirements.arenaBytes)) exceeds \(profile.id)'s arena budget of \(Self.size(memory.arenaBytes))"))
        }
        if requirements.weightsBytes > memory.weightsBytes {
            problems.append(BundleError(.profileMismatch,
                "weights of \(Self.size(requirements.weightsBytes)) exceed \(profile.id)'s weights budget of \(Self.size(memory.weightsBytes))"))
        }
        let (resident, overflow) = requirements.arenaBytes.addingReportingOverflow(payloadLength)
        if overflow || resident > memory.agentBytes {
            problems.append(BundleError(.profileMismatch,
                "model file plus arena (\(overflow ? "overflow" : Self.size(resident))) exceed \(profile.id)'s agent budget of \(Self.size(memory.agentBytes))"))
        }
        if let deadlineSeconds, estimatedLatencySeconds > deadlineSeconds {
            problems.append(BundleError(.profileMismatch,
                "estimated latency \(Self.milliseconds(estimatedLatencySeconds)) on \(profile.id) exceeds the deadline of \(Self.milliseconds(deadlineSeconds))"))
        }
        self.problems = problems
    }

    /// Bytes in the unit a person reads fastest.
    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20 { return "\(format(Double(bytes) / Double(1 << 20))) MiB" }
        if bytes >= 1 << 10 { return "\(format(Double(bytes) / Double(1 << 10))) KiB" }
        return "\(bytes) B"
    }

    static func milliseconds(_ seconds: Double) -> String { "\(format(seconds * 1000)) ms" }

    /// Two decimals without Foundation's String(format:).
    static func format(_ value: Double) -> String {
        let hundredths = (value * 100).rounded()
        guard hundredths.isFinite, abs(hundredths) < 1e15 else { return "\(value)" }
        let whole = Int(hundredths) / 100
        let fraction = abs(Int(hundredths) % 100)
        return "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
