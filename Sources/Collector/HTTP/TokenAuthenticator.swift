import Foundation
import HTTPTypes
import Hummingbird

/// Authenticates dashboard and `/metrics` requests by bearer token, cookie or `?token=`, and guards each area.
///
/// `/api/` is left to the API's route groups (`APIAuthenticator`, `APIRoleGuard`), so an unknown API path is a
/// 404 and an undeclared method a 405 whatever the token. `/healthz` and (by default) `/metrics` are open; dashboard pages need one
/// unless configured otherwise. A `?token=` on a dashboard page is moved into an HttpOnly cookie and the
/// browser is redirected to the same page without it, so tokens do not linger in history or links.
struct TokenAuthenticator: RouterMiddleware {
    typealias Context = CollectorRequestContext

    static let cookieName = "edgefleet_token"

    let tokens: [APIToken]
    let dashboardRequiresToken: Bool
    let metricsRequiresToken: Bool
    let throttle: AuthenticationThrottleGuard
    /// Under HTTPS the session cookie is `Secure`, so a browser never sends it over plain HTTP.
    let secureCookie: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let path = request.uri.path
        if path.hasPrefix("/api/") { return try await next(request, context) }
        let queryToken = request.uri.queryParameters["token"].map(String.init)
        let presented = Self.bearer(request) ?? queryToken ?? cookie(request)
        if let presented {
            try throttle.check(client: context.client)
            guard let token = Self.lookup(presented, in: tokens) else {
                throttle.recordFailure(client: context.client)
                throw CollectorError(.unauthorized, "the token is not known to this collector; check http.tokens or <stateDirectory>/tokens.json")
            }
            context.identity = token
        }
        if let queryToken, context.identity != nil {
            var headers = HTTPFields()
            headers[.location] = path
            headers[.setCookie] = "\(Self.cookieName)=\(queryToken); Path=/; HttpOnly; SameSite=Strict\(secureCookie ? "; Secure" : "")"
            return Response(status: .seeOther, headers: headers)
        }
        let open = path == "/healthz" || path == "/favicon.ico" || path.hasPrefix("/static/")
            || (path == "/metrics" && !metricsRequiresToken) || (path != "/metrics" && !dashboardRequiresToken)
        if !open, context.identity == nil {
            throw CollectorError(.unauthorized, path == "/metrics" ? "/metrics needs a token: send 'Authorization: Bearer <token>'"
                                 : "this page needs a token: open it once with ?token=<read token> (see <stateDirectory>/tokens.json)")
        }
        return try await next(request, context)
    }

    /// The token of an `Authorization: Bearer` header, if any.
    static func bearer(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let prefix = "Bearer "
        guard value.hasPrefix(prefix) else { return nil }
        let token = String(value.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    private func cookie(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix("\(Self.cookieName)=") { return String(pair.dropFirst(Self.cookieName.count + 1)) }
            }
        }
        return nil
    }

    /// Hashes the presented secret once and compares its digest with every configured token's in full, so the time
    /// taken reveals neither which token nor how much of one matched; stored tokens may be digests only.
    static func lookup(_ presented: String, in tokens: [APIToken]) -> APIToken? {
        let candidate = APIToken.hash(presented)
        var found: APIToken?
        for token in tokens {
            guard let expected = token.digest else { continue }
            var difference: UInt8 = 0
            for index in 0..<32 { difference |= expected[index] ^ candidate[index] }
            if difference == 0 { found = token }
        }
        return found
    }
}
