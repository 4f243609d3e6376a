import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Undoes the generated server's percent-encoding of the response headers the API sets (`Content-Range:
/// bytes 0-9/100` would go out as `bytes%200-9%2F100`, `ETag` without its quotes), which HTTP clients do not decode.
///
/// Only these headers: their values are written by the handlers and never contain a literal `%`.
struct APIHeaderEncoding: ServerMiddleware {
    static let headers: [HTTPField.Name] = [.contentRange, .eTag, .acceptRanges]

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        var (response, responseBody) = try await next(request, body, metadata)
        for name in Self.headers {
            if let value = response.headerFields[name], value.contains("%"), let decoded = value.removingPercentEncoding {
                response.headerFields[name] = decoded
            }
        }
        return (response, responseBody)
    }
}
