import Foundation
import Hummingbird
import Logging

/// Route-group middleware on every role that changes something (operate, admin, gate): each call, allowed or not,
/// becomes an `api.audit` event (who, with which role, which method and path, the status) in the event log, so
/// `GET /api/v1/events?name=api.audit` answers "who changed what, when".
///
/// The event is written after the handler finished; if writing it fails the response still goes out (the action
/// already happened) and the failure is logged, so an audit gap is visible in the log.
struct APIAuditLog: RouterMiddleware {
    typealias Context = CollectorRequestContext

    static let eventName = "api.audit"

    let store: any FleetStore
    let clock: any WallClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            await record(request, context: context, status: response.status.code)
            return response
        } catch {
            let status = ErrorResponder.respond(to: error, request: request, context: context).status.code
            await record(request, context: context, status: status)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int) async {
        let details = [
            "actor": context.identity?.name ?? "-", "role": context.identity?.role.rawValue ?? "-",
            "method": request.method.rawValue, "path": request.uri.path, "status": "\(status)", "client": context.client,
        ]
        let deviceID = Self.deviceID(in: request.uri.path)
        let model = Self.model(in: request.uri.path)
        do {
            try await store.record(CollectorEvent(name: Self.eventName, deviceID: deviceID, model: model, details: details), at: clock.now())
        } catch {
            context.logger.error("audit event not recorded", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
        }
    }

    /// `/api/v1/devices/<id>/…` names the device acted on.
    static func deviceID(in path: String) -> String? { segment(after: "devices", in: path) }

    /// `/api/v1/models/<name>/…` names the model acted on.
    static func model(in path: String) -> String? { segment(after: "models", in: path) }

    private static func segment(after collection: String, in path: String) -> String? {
        let parts = path.split(separator: "/")
        guard parts.count >= 4, parts[0] == "api", parts[2] == collection else { return nil }
        return String(parts[3]).removingPercentEncoding
    }
}
