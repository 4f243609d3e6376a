/// The token of the API request being handled, for handlers that record who acted (`createdBy`, `blessedBy`).
///
/// Generated handlers see only their typed input, not Hummingbird's request context, so `APIRoleGuard` binds the
/// authenticated token to the request's task; it is nil outside a guarded route.
enum APIIdentity {
    @TaskLocal static var token: APIToken?

    /// The caller's token name; routes that need one are all behind a role guard, so a missing token is a bug.
    static func name() throws(APIInternalError) -> String {
        guard let token else { throw APIInternalError("a guarded handler ran without an authenticated token") }
        return token.name
    }
}
