import HTTPTypes
import OpenAPIRuntime

/// Caps JSON request bodies at `limit` bytes (413 beyond), as the hand-written API did: the generated server would
/// collect a body of any size. The bundle upload has its own, configured limit (`http.maximumUploadBytes`).
struct APIBodyLimit: ServerMiddleware {
    var limit = 1 << 20
    /// Operations whose handlers bound their bodies themselves.
    var exempt: Set<String> = ["registerBundle", "importSamples"]

    func intercept(_ request: HTTPTypes.HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPTypes.HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPTypes.HTTPResponse, HTTPBody?))
        async throws -> (HTTPTypes.HTTPResponse, HTTPBody?) {
        guard let body, !exempt.contains(operationID) else { return try await next(request, body, metadata) }
        let bytes: [UInt8]
        do { bytes = try await [UInt8](collecting: body, upTo: limit) } catch {
            throw CollectorError(.payloadTooLarge, "the request body is larger than \(limit) bytes")
        }
        return try await next(request, HTTPBody(bytes), metadata)
    }
}
