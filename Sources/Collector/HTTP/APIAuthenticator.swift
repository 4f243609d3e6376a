import Hummingbird

/// Route-group middleware of the API: the bearer token becomes the request's identity; a missing or unknown one
/// gets 401 before any handler or parameter parsing runs, and a client that failed too often lately gets 429.
struct APIAuthenticator: RouterMiddleware {
    typealias Context = CollectorRequestContext

    let tokens: [APIToken]
    let throttle: AuthenticationThrottleGuard

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try throttle.check(client: context.client)
        guard let presented = TokenAuthenticator.bearer(request) else {
            throw CollectorError(.unauthorized, "this endpoint needs a token: send 'Authorization: Bearer <token>'")
        }
        guard let token = TokenAuthenticator.lookup(presented, in: tokens) else {
            throttle.recordFailure(client: context.client)
            throw CollectorError(.unauthorized, "the token is not known to this collector; check http.tokens or <stateDirectory>/tokens.json")
        }
        var context = context
        context.identity = token
        return try await next(request, context)
    }
}
