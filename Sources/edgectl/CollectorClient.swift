import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small blocking HTTP client for the collector's API (`--url`, `--token` / `EDGEFLEET_TOKEN`).
///
/// edgectl's commands are synchronous; each call waits for its one request on a semaphore. Errors from the collector
/// (`{"error": {"code", "message"}}`) become a `CommandLineError` carrying the collector's message.
struct CollectorClient {
    var baseURL: String
    var token: String?

    struct Response {
        var status: Int
        var body: Data
    }

    /// Sends one request and returns a 2xx response; anything else throws with the collector's message.
    func send(_ method: String, _ path: String, body: Data? = nil, contentType: String? = nil, accept: String = "application/json") throws -> Response {
        guard let url = URL(string: baseURL.trimmingSuffix("/") + path) else { throw CommandLineError("--url \(baseURL) is not a URL") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 300
        request.setValue(accept, forHTTPHeaderField: "Accept")
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        final class Box: @unchecked Sendable { var result: Result<Response, any Error>? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error {
                box.result = .failure(error)
            } else {
                box.result = .success(Response(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: data ?? Data()))
            }
            done.signal()
        }.resume()
        done.wait()
        let response: Response
        switch box.result! {
        case .failure(let error): throw CommandLineError("cannot reach the collector at \(baseURL): \(error.localizedDescription)")
        case .success(let value): response = value
        }
        guard (200..<300).contains(response.status) else {
            let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
            let error = object?["error"] as? [String: Any]
            let message = error?["message"] as? String ?? String(decoding: response.body.prefix(500), as: UTF8.self)
            throw CommandLineError("the collector answered \(response.status) \(error?["code"] as? String ?? ""): \(message)")
        }
        return response
    }

    /// A JSON object response.
    func json(_ method: String, _ path: String, body: Data? = nil, contentType: String? = nil) throws -> [String: Any] {
        let response = try send(method, path, body: body, contentType: contentType)
        guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
            throw CommandLineError("the collector's answer to \(method) \(path) is not a JSON object")
        }
        return object
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}

extension CollectorClient {
    /// A client with the token from `token` or `EDGEFLEET_TOKEN`.
    init(url: String, token: String?) {
        self.init(baseURL: url, token: token ?? ProcessInfo.processInfo.environment["EDGEFLEET_TOKEN"])
    }

    /// Sends a JSON object (or nothing) and returns the parsed JSON answer of a 2xx response (`[:]` when empty).
    func sendJSON(_ method: String, _ path: String, body: [String: Any]? = nil) throws -> Any {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let response = try send(method, path, body: data, contentType: data == nil ? nil : "application/json")
        if response.body.isEmpty { return [String: Any]() }
        guard let json = try? JSONSerialization.jsonObject(with: response.body) else {
            throw CommandLineError("the collector's answer to \(method) \(path) is not JSON")
        }
        return json
    }
}
