import ArgumentParser
import Foundation

/// Where the collector is and how to authenticate: shared by the commands that call its API.
struct CollectorOptions: ParsableArguments {
    @Option(help: "The collector's base URL.")
    var url: String = "http://127.0.0.1:8080"

    @Option(help: "An API token (default: the EDGEFLEET_TOKEN environment variable).")
    var token: String?

    func client() throws -> CollectorClient {
        let token = token ?? ProcessInfo.processInfo.environment["EDGEFLEET_TOKEN"]
        guard let token, !token.isEmpty else {
            throw CommandLineError("no API token: pass --token or set EDGEFLEET_TOKEN (the collector writes tokens.json in its state directory)")
        }
        return CollectorClient(baseURL: url, token: token)
    }
}
