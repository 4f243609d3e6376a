/// What an API token may do (its scope).
///
/// Configurations written before `operate` existed keep their meaning: `admin` still does everything `operate` does.
public enum TokenRole: String, Codable, Sendable, CaseIterable, Comparable {
    /// Read every resource, see the dashboard.
    case read
    /// Also change the fleet without changing its configuration: assign models to devices, start rollouts and drift runs.
    case operate
    /// Also configure: register bundles, move aliases, tag versions, label devices — and everything `operate` may.
    case admin
    /// Read, and set the `blessed` flag of versions: the evaluation gate's role, and only its.
    case gate

    /// Whether a token of this role may perform an action requiring `needed`.
    public func permits(_ needed: TokenRole) -> Bool {
        switch needed {
        case .read: true
        case .operate: self == .operate || self == .admin
        case .admin: self == .admin
        case .gate: self == .gate
        }
    }

    public static func < (lhs: TokenRole, rhs: TokenRole) -> Bool { lhs.rawValue < rhs.rawValue }
}
