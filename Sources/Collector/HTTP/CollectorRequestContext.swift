import Hummingbird
import NIOCore

/// The request context of the collector's router: Hummingbird's core storage plus the caller's token.
public struct CollectorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token the request authenticated with, nil when anonymous.
    public var identity: APIToken?

    /// The peer's IP address (or `-` when unknown): the key of failed-authentication throttling.
    public var client: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        client = source.channel.remoteAddress?.ipAddress ?? "-"
    }

    /// Throws `unauthorized` without a token and `forbidden` when the token's role does not permit `role`.
    public func require(_ role: TokenRole) throws(CollectorError) -> APIToken {
        guard let identity else {
            throw CollectorError(.unauthorized, "this endpoint needs a token: send 'Authorization: Bearer <token>'")
        }
        guard identity.role.permits(role) else {
            throw CollectorError(.forbidden, "the token '\(identity.name)' has the \(identity.role.rawValue) role; this needs the \(role.rawValue) role")
        }
        return identity
    }
}
