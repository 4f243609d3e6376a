import Foundation
import HTTPTypes
import Hummingbird

/// Turns every error into a response: JSON `{"error": {"code", "message"}}` for the API, a small page otherwise.
struct ErrorResponder: RouterMiddleware {
    typealias Context = CollectorRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as CollectorError {
            return Self.response(status: Self.status(for: error.code), code: error.code.rawValue, message: error.message, request: request)
        } catch let error as HTTPResponseError {
            let status = error.status
            let message = (error as? HTTPError)?.body ?? (status == .notFound ? "no such resource: \(request.uri.path)" : status.reasonPhrase)
            return Self.response(status: status, code: status == .notFound ? "notFound" : "http\(status.code)", message: message, request: request)
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return Self.response(status: .internalServerError, code: "internal", message: "internal error: \(error)", request: request)
        }
    }

    static func status(for code: CollectorError.Code) -> HTTPResponse.Status {
        switch code {
        case .notFound: .notFound
        case .conflict: .conflict
        case .invalidRequest: .badRequest
        case .bundleRejected: .unprocessableContent
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .payloadTooLarge: .contentTooLarge
        case .storageFull: HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
        case .storageBusy, .invalidConfiguration: .serviceUnavailable
        case .storage, .io: .internalServerError
        }
    }

    static func response(status: HTTPResponse.Status, code: String, message: String, request: Request) -> Response {
        if request.uri.path.hasPrefix("/api/") || request.uri.path == "/metrics" || !(request.headers[.accept] ?? "").contains("text/html") {
            let body = (try? JSONEncoder().encode(["error": ["code": code, "message": message]])) ?? Data()
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        let page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>\(status.code)</title><link rel=\"icon\" href=\"data:,\">"
            + "<link rel=\"stylesheet\" href=\"/static/dashboard.css\"></head><body><main><h1>\(status.code) \(HTML.escape(status.reasonPhrase))</h1>"
            + "<p class=\"error\">\(HTML.escape(message))</p><p><a href=\"/\">Fleet</a></p></main></body></html>"
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}
