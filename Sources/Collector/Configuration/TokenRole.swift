/// What an API token may do.
public enum TokenRole: String, Codable, Sendable, CaseIterable, Comparable {
    /// Read every resource, see the dashboard.
    case read
    /// Also register bundles, move aliases, tag, label devices, assign models.
    case admin
    /// Read, and set the `blessed` flag of versions: the evaluation gate's role, and only its.
    case gate

    /// Whether a token of this role may perform an action requiring `needed`.
    public func permits(_ needed: TokenRole) -> Bool {
        switch needed {
        case .read: true
        case .admin: self == .admin
        case .gate: self == .gate
        }
    }

    public static func < (lhs: TokenRole, rhs: TokenRole) -> Bool { lhs.rawValue < rhs.rawValue }
}
