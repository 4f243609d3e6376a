import HTTPTypes

/// A method the path does not declare in docs/openapi.yaml; `ErrorResponder` answers 405 with `Allow`.
struct APIMethodNotAllowed: Error {
    let method: HTTPRequest.Method
    /// The declared methods, comma-separated, for the `Allow` header.
    let allow: String
}
