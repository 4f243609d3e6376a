/// The verdict on one feature, a prediction, a dataset or a device.
public enum DriftVerdict: String, Codable, Sendable, Comparable {
    /// Fewer observations than the policy's minimum: no statement either way (never "no drift").
    case insufficientData = "insufficient_data"
    /// Not significant, or significant with an effect below every threshold.
    case noDrift = "no_drift"
    /// Significant, with PSI (after the noise allowance) between the warning and the drift threshold.
    case warning
    /// Significant, with an effect size over its drift threshold.
    case drift

    private var rank: Int {
        switch self {
        case .insufficientData: 0
        case .noDrift: 1
        case .warning: 2
        case .drift: 3
        }
    }

    public static func < (lhs: DriftVerdict, rhs: DriftVerdict) -> Bool { lhs.rank < rhs.rank }
}
