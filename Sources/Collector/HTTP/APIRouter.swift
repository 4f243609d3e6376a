import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// The transport the generated server registers its operations on: each operation goes to the route group of
/// the role it needs (`APIRole.table`), so authentication and roles are middleware on groups, not handler code.
///
/// It also remembers which methods each path declares, so `registerMethodNotAllowed()` can answer every other
/// method with 405 and an `Allow` header (Hummingbird alone answers 404). Used once, at start-up, on one task.
final class APIRouter: ServerTransport, @unchecked Sendable {
    /// Methods a client may try on a declared path; those the spec does not declare get 405.
    static let probedMethods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options, .trace, HTTPRequest.Method("QUERY")!]

    private let router: Router<CollectorRequestContext>
    private let roles: [String: APIRole]
    private var groups: [TokenRole: RouterGroup<CollectorRequestContext>] = [:]
    /// Path (Hummingbird syntax) → declared methods, in registration order.
    private(set) var declared: [(path: String, methods: [HTTPRequest.Method])] = []

    /// - Parameter audit: added to the groups of every role but `read`, so each change made through the API is logged.
    init(router: Router<CollectorRequestContext>, roles: [String: APIRole], tokens: [APIToken], throttle: AuthenticationThrottleGuard,
         audit: APIAuditLog?) {
        self.router = router
        self.roles = roles
        let authenticated = router.group().add(middleware: APIAuthenticator(tokens: tokens, throttle: throttle))
        for role in TokenRole.allCases {
            // The audit log runs before the role guard, so refused attempts are recorded too.
            let group = authenticated.group()
            if role != .read, let audit { group.add(middleware: audit) }
            groups[role] = group.add(middleware: APIRoleGuard(role: role))
        }
    }

    func register(_ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
                  method: HTTPRequest.Method, path: String) throws {
        let key = "\(method.rawValue) \(path)"
        guard let role = roles[key] else {
            throw CollectorError(.invalidConfiguration, "the API operation '\(key)' has no role in APIRole.table: add one")
        }
        switch role {
        case .open: router.register(handler, method: method, path: path)
        case .token(let needed): groups[needed]!.register(handler, method: method, path: path)
        }
        if let index = declared.firstIndex(where: { $0.path == path }) {
            declared[index].methods.append(method)
        } else {
            declared.append((path, [method]))
        }
    }

    /// Answers the undeclared methods of every declared path with 405 and `Allow` (no token needed to learn that).
    func registerMethodNotAllowed() {
        for (path, methods) in declared {
            let allow = methods.map(\.rawValue).joined(separator: ", ")
            for method in Self.probedMethods where !methods.contains(method) {
                router.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw APIMethodNotAllowed(method: method, allow: allow)
                }
            }
        }
    }
}
