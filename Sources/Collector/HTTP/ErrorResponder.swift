import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime

/// Turns every error into a response: JSON `{"error": {"code", "message"}}` for the API, a small page otherwise.
struct ErrorResponder: RouterMiddleware {
    typealias Context = CollectorRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServerError {
            // The generated server wraps everything: a failure before the handler ran (no operation input) means
            // the request did not parse as the spec declares it; after, the handler's own error decides.
            if error.operationInput == nil, !(error.underlyingError is CollectorError) {
                return Self.response(status: .badRequest, code: CollectorError.Code.invalidRequest.rawValue,
                                     message: "the request does not match docs/openapi.yaml: \(error.causeDescription)", request: request)
            }
            // The runtime's own verdicts on the request after the handler ran (an `Accept` without the response's
            // type: 406) keep their status; everything else is the handler's error.
            if (400..<500).contains(error.httpStatus.code), !(error.underlyingError is CollectorError) {
                return Self.response(status: error.httpStatus, code: CollectorError.Code.invalidRequest.rawValue,
                                     message: "the request cannot be answered as docs/openapi.yaml declares: \(error.causeDescription)", request: request)
            }
            return Self.respond(to: error.underlyingError, request: request, context: context)
        } catch {
            return Self.respond(to: error, request: request, context: context)
        }
    }

    static func respond(to error: any Error, request: Request, context: Context) -> Response {
        switch error {
        case let error as CollectorError:
            let status = Self.status(for: error.code)
            if status == .internalServerError { return internalError(error, request: request, context: context) }
            return Self.response(status: status, code: error.code.rawValue, message: error.message, request: request)
        case let error as APIThrottled:
            var response = Self.response(status: .tooManyRequests, code: "tooManyRequests", message: error.description, request: request)
            response.headers[.retryAfter] = "\(error.retryAfterSeconds)"
            return response
        case let error as APIMethodNotAllowed:
            var response = Self.response(status: .methodNotAllowed, code: "methodNotAllowed",
                                         message: "\(request.uri.path) does not support \(error.method.rawValue); it supports \(error.allow)", request: request)
            response.headers[.allow] = error.allow
            return response
        case let error as HTTPResponseError:
            let status = error.status
            if status.code >= 500 { return internalError(error, request: request, context: context) }
            let message = (error as? HTTPError)?.body ?? (status == .notFound ? "no such resource: \(request.uri.path)" : status.reasonPhrase)
            let code = switch status.code {
            case 400: "invalidRequest"
            case 401: "unauthorized"
            case 403: "forbidden"
            case 404: "notFound"
            case 405: "methodNotAllowed"
            case 413: "payloadTooLarge"
            default: "http\(status.code)"
            }
            return Self.response(status: status, code: code, message: message, request: request)
        default:
            return internalError(error, request: request, context: context)
        }
    }

    /// A 500: the details go to the log only, the client learns where to look.
    static func internalError(_ error: any Error, request: Request, context: Context) -> Response {
        let id = context.logger[metadataKey: "hb.request.id"].map { "\($0)" } ?? "-"
        context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
        return Self.response(status: .internalServerError, code: "internal",
                             message: "the collector failed to answer this request; its log has the details (request \(id))", request: request)
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
