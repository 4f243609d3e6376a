/// A bearer token of the HTTP API: who holds it and what it may do.
public struct APIToken: Codable, Sendable, Equatable {
    /// Recorded as `createdBy` of what the token's holder registers.
    public var name: String
    public var role: TokenRole
    public var token: String

    public init(name: String, role: TokenRole, token: String) {
        self.name = name
        self.role = role
        self.token = token
    }
}
