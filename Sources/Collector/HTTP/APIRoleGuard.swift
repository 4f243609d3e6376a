import Hummingbird

/// Route-group middleware: only callers whose token permits `role` get through (401 without a token, 403 with
/// the wrong role), and the token is bound to `APIIdentity.token` for the handler.
struct APIRoleGuard: RouterMiddleware {
    typealias Context = CollectorRequestContext

    let role: TokenRole

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let token = try context.require(role)
        return try await APIIdentity.$token.withValue(token) { try await next(request, context) }
    }
}
