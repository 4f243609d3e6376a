// Rendering time of the dashboard's fleet page for a fleet of 10,000 devices: natural sort of all of them, then one
// page of FleetPage.pageSize rows (and, for comparison, all 10,000) through fleet.mustache (extending layout.mustache)
// with the dashboard's escaper, as DashboardRoutes renders it, without the store and HTTP.
// Built and run by scripts/bench-dashboard.sh (optimised, outside SwiftPM); prints, asserts nothing.
import Foundation
import Mustache

@main
struct FleetPageBenchmark {
    static func main() throws {
        let directory = CommandLine.arguments[1]
        MustacheContentTypes.register(HTMLEscaper(), named: HTMLEscaper.contentTypeName)
        var library = MustacheLibrary()
        for name in ["layout", "fleet"] {
            try library.register(try String(contentsOfFile: "\(directory)/\(name).mustache", encoding: .utf8), named: name)
        }
        var rows = (0..<10_000).map { index in
            FleetPage.Row(id: "demo-sim-\(index)", online: index % 2 == 0, profile: "rpi-4b-2gb", agentVersion: "0.1.0",
                          model: index % 3 == 0 ? nil : "keyword-spotter", version: "1.0.0", latencyP95: "12.3 ms", throughput: "99.5/s",
                          lastSeen: "3 s ago", groups: "lab, eu")
        }
        rows.shuffle()
        for pageSize in [FleetPage.pageSize, rows.count] {
            var timings: [Double] = []
            var bytes = 0
            for _ in 0..<11 {
                let start = ContinuousClock.now
                let sorted = rows.map { (key: Array($0.id.utf8), row: $0) }.sorted { NaturalOrder.compare($0.key, $1.key) < 0 }.map(\.row)
                let page = FleetPage(rendered: "2026-12-05 04:00:00", deviceCount: 10_000, onlineCount: 5_000, modelCount: 1, reportCount: 1,
                                     filter: nil, devices: Array(sorted.prefix(pageSize)), shownFrom: 1, shownTo: pageSize, matching: rows.count,
                                     nextPage: pageSize < rows.count ? "/?page=2" : nil)
                let html = library.render(page, withTemplate: "fleet") ?? ""
                var buffer = [UInt8]()
                buffer.append(contentsOf: html.utf8)  // the response body copy
                bytes = buffer.count
                let elapsed = ContinuousClock.now - start
                timings.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            }
            timings.sort()
            print("fleet page of \(pageSize) rows from 10,000 devices: \(bytes) bytes; natural sort + render + copy, median of 11: "
                  + "\((timings[5] * 10).rounded() / 10) ms (min \((timings[0] * 10).rounded() / 10) ms)")
        }
    }
}
