import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client of the collector's JSON API for edgectl's operator commands (`--url`, `--token` or
/// `EDGEFLEET_TOKEN`). Errors carry the collector's `{"error": {"code", "message"}}` message.
struct CollectorClient {
    var url: String
    var token: String?

    init(url: String, token: String?) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.token = token ?? ProcessInfo.processInfo.environment["EDGEFLEET_TOKEN"]
    }

    /// Sends a request and returns the parsed JSON body of a 2xx answer; anything else throws with the collector's message.
    func send(_ method: String, _ path: String, body: [String: Any]? = nil) throws -> Any {
        guard let endpoint = URL(string: url + path) else { throw CommandLineError("invalid --url \(url)") }
        var request = URLRequest(url: endpoint, timeoutInterval: 30)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let result = Result<(Data, Int), any Error>.wait { done in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error { return done(.failure(error)) }
                done(.success((data ?? Data(), (response as? HTTPURLResponse)?.statusCode ?? 0)))
            }.resume()
        }
        let data: Data, status: Int
        do { (data, status) = try result.get() } catch {
            throw CommandLineError("cannot reach the collector at \(url) (--url): \(error.localizedDescription)")
        }
        let json = data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data)
        guard (200..<300).contains(status) else {
            let error = (json as? [String: Any])?["error"] as? [String: Any]
            throw CommandLineError("\(method) \(path): HTTP \(status) \(error?["code"] as? String ?? ""): \(error?["message"] as? String ?? String(decoding: data, as: UTF8.self))")
        }
        return json ?? [:]
    }
}
