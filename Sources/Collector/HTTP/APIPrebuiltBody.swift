import HTTPTypes
import OpenAPIRuntime

/// A response body written by hand, for an operation whose typed output is too slow to encode at fleet scale.
///
/// `GET /api/v1/devices` for 10,000 devices is 6.3 MB: `JSONWriter` writes it in tens of milliseconds, while
/// decoding those bytes into the generated types and encoding them again took 290 ms (release, 10,000 devices,
/// scripts/bench-collector.sh). The handler still declares the operation's typed output; when this middleware runs
/// it, the handler puts the bytes it already wrote (the same JSON, tested against the spec's schema by
/// APITests and the contract test) into the task's box and returns an empty typed listing, whose body the
/// middleware replaces. Without the middleware (other transports, tests of the handler) the typed path is used.
struct APIPrebuiltBody: ServerMiddleware {
    /// Filled once by the handler, read once by the middleware, both on the request's task.
    final class Box: @unchecked Sendable {
        var bytes: [UInt8]?
    }

    @TaskLocal static var box: Box?

    /// Operations whose handlers fill the box.
    var operations: Set<String> = ["listDevices"]

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        guard operations.contains(operationID) else { return try await next(request, body, metadata) }
        let box = Box()
        var (response, typedBody) = try await Self.$box.withValue(box) { try await next(request, body, metadata) }
        guard let bytes = box.bytes else { return (response, typedBody) }
        // The serializer set the length of the empty listing.
        response.headerFields[.contentLength] = String(bytes.count)
        return (response, HTTPBody(bytes))
    }
}
