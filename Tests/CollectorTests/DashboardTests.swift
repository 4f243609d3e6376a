@testable import Collector
import FleetProtocol
import Foundation
import Mustache
import TestSupport
import XCTest

/// The dashboard's parts without a server: templates from the resource bundle, view models, device order, chart axes.
final class DashboardTests: XCTestCase {
    func testDeviceIDsSortNaturally() {
        let ids = ["demo-sim-10", "demo-sim-2", "demo-sim-1", "pi-7", "demo-sim-002", "demo-sim-100", "demo-sim-9", "Demo", "demo-sim-2a",
                   "demo-sim-99999999999999999999999", "demo-sim-", "a1b10", "a1b9", "a01b9"]
        XCTAssertEqual(ids.sorted(by: NaturalOrder.areInIncreasingOrder), [
            "Demo", "a01b9", "a1b9", "a1b10", "demo-sim-", "demo-sim-1", "demo-sim-002", "demo-sim-2", "demo-sim-2a", "demo-sim-9", "demo-sim-10",
            "demo-sim-100", "demo-sim-99999999999999999999999", "pi-7",
        ])
        // A strict weak order: irreflexive, and distinct strings are never equivalent.
        for a in ids {
            XCTAssertFalse(NaturalOrder.areInIncreasingOrder(a, a))
            for b in ids where a != b {
                XCTAssertNotEqual(NaturalOrder.areInIncreasingOrder(a, b), NaturalOrder.areInIncreasingOrder(b, a), "\(a) vs \(b)")
            }
        }
    }

    func testCountAxesHaveWholeTicks() {
        for (maximum, step, top) in [(3.0, 1.0, 3.0), (1, 1, 1), (7, 2, 8), (41, 20, 60), (5000, 2000, 6000), (123_456, 50_000, 150_000)] {
            let axis = ChartAxis(maximum: maximum, integers: true)
            XCTAssertEqual(axis.step, step, "maximum \(maximum)")
            XCTAssertEqual(axis.top, top, "maximum \(maximum)")
            XCTAssertTrue(axis.ticks.allSatisfy { $0 == $0.rounded() })
        }
        XCTAssertEqual(ChartAxis(maximum: 3, integers: true).ticks.map(ChartAxis(maximum: 3, integers: true).label), ["0", "1", "2", "3"])
        let large = ChartAxis(maximum: 123_456, integers: true)
        XCTAssertEqual(large.ticks.map(large.label), ["0", "50k", "100k", "150k"])
        let thousands = ChartAxis(maximum: 5_000, integers: true)
        XCTAssertEqual(thousands.ticks.map(thousands.label), ["0", "2000", "4000", "6000"])
    }

    func testMeasurementAxesShowTheDigitsTheirStepNeeds() {
        let small = ChartAxis(maximum: 0.37, integers: false)
        XCTAssertEqual(small.ticks.map(small.label), ["0.0", "0.1", "0.2", "0.3", "0.4"])
        let milliseconds = ChartAxis(maximum: 12.6, integers: false)
        XCTAssertEqual(milliseconds.ticks.map(milliseconds.label), ["0", "5", "10", "15"])
        let fine = ChartAxis(maximum: 0.18, integers: false)
        XCTAssertEqual(fine.ticks.map(fine.label), ["0.00", "0.05", "0.10", "0.15", "0.20"])
        XCTAssertEqual(ChartAxis(maximum: 0, integers: false).top, 1)
    }

    /// The class counts reach the chart as the numbers they are (they once went through `Double(bitPattern:)`).
    func testClassTotalsAreCountsSummedPerClass() {
        XCTAssertEqual(DashboardRoutes.classTotals([[78, 56, 32, 97], [1, 2], [], [0, 0, 0, 0, 5]]), [79, 58, 32, 97, 5])
        let svg = SVGChart.bars(labels: ["a", "b"], values: DashboardRoutes.classTotals([[78, 56]]), title: "classes")
        XCTAssertTrue(svg.contains("<title>a: 78 (58.2 %)</title>"))
        XCTAssertTrue(svg.contains(">80</text>"), "the top tick is the first round count above 78")
    }

    func testClassChartLabelsItsTicksWithCounts() {
        let svg = SVGChart.bars(labels: ["yes", "no", "<unknown>"], values: [3, 1, 0], title: "classes")
        let ticks = svg.components(separatedBy: "<text class=\"axis tick\"").dropFirst().map { $0.split(separator: ">")[1].split(separator: "<")[0] }
        XCTAssertEqual(ticks, ["0", "1", "2", "3"])
        XCTAssertTrue(svg.contains("&lt;unknown&gt;"))
        XCTAssertTrue(svg.contains("yes: 3 (75.0 %)"))
    }

    func testDecimalFormatting() {
        XCTAssertEqual(DisplayFormat.decimal(1.25, digits: 1), "1.3")
        XCTAssertEqual(DisplayFormat.decimal(-0.04, digits: 1), "0.0")
        XCTAssertEqual(DisplayFormat.decimal(-2.5, digits: 2), "-2.50")
        XCTAssertEqual(DisplayFormat.decimal(0.9996, digits: 3), "1.000")
        XCTAssertEqual(DisplayFormat.decimal(42, digits: 0), "42")
        XCTAssertEqual(DisplayFormat.decimal(.nan, digits: 1), "—")
        XCTAssertEqual(DisplayFormat.bytes(1536), "1.5 KiB")
    }

    func testTemplatesAndStylesheetLoadFromTheResourceBundle() throws {
        let library = try DashboardTemplates.library()
        for name in DashboardTemplates.names { XCTAssertNotNil(library.getTemplate(named: name), name) }
        XCTAssertTrue(try DashboardTemplates.stylesheet().contains("svg.chart"))
        XCTAssertTrue(try DashboardTemplates.directory().path.contains("EdgeFleet_Collector.resources"))
    }

    /// One page of 500 rows of a 10,000-device fleet through the Mustache section (no splice), one escaper, the layout
    /// around; the links page by keyset cursors and the position comes from the totals.
    func testFleetPageOfATenThousandDeviceFleet() throws {
        let library = try DashboardTemplates.library()
        let bundle = BundleReference(name: "kws", version: "1.0.0", digest: String(repeating: "a", count: 64), releaseCounter: 1)
        var devices = (0..<10_000).map { index in
            DeviceRecord(id: "demo-sim-\(String(format: "%05d", index))", profile: "rpi-4b-2gb", agentVersion: "0.1.0",
                         currentBundle: index % 3 == 0 ? nil : bundle,
                         online: index % 2 == 0, firstSeenAt: 0, lastSeenAt: 1_000, groups: ["lab", "eu"],
                         latest: LatestTelemetry(at: 1_000, latencyP50Micros: 9_000, latencyP95Micros: 12_345, throughput: 99.5, inferences: 100,
                                                 errors: 0, cpuCores: 0.5, temperatureCelsius: nil, rssBytes: 1, queueDepth: 0))
        }
        devices[7].profile = "<script>alert(\"x\")</script> & 'co'"
        func render(from: Int) throws -> String {
            let start = ContinuousClock.now
            let shown = Array(devices[min(from, devices.count)..<min(from + FleetPage.pageSize, devices.count)])
            let model = DashboardRoutes.fleetPage(devices: shown, now: 61_000, deviceCount: 10_000, onlineCount: 5_000, modelCount: 1,
                                                  reportCount: 123, filter: "group <lab>", matching: 10_000, preceding: from,
                                                  filterQuery: "group=%3Clab%3E")
            let html = try XCTUnwrap(library.render(model, withTemplate: "fleet"))
            print("fleet page at \(from) of 10,000 devices: \(html.utf8.count) bytes of HTML in \(ContinuousClock.now - start) (this build's configuration)")
            return html
        }
        func ids(_ html: String) -> [Substring] { html.components(separatedBy: "data-device=\"").dropFirst().map { $0.prefix { $0 != "\"" } } }

        let first = try render(from: 0)
        XCTAssertEqual(ids(first).count, FleetPage.pageSize)
        XCTAssertEqual(ids(first).prefix(3), ["demo-sim-00000", "demo-sim-00001", "demo-sim-00002"])
        XCTAssertTrue(first.hasPrefix("<!doctype html>"))
        XCTAssertTrue(first.contains("<title>Fleet · EdgeFleet</title>"))
        XCTAssertTrue(first.contains("<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</td>"))
        XCTAssertFalse(first.contains("<script>"))
        XCTAssertTrue(first.contains("Showing group &lt;lab&gt;"))
        XCTAssertTrue(first.contains("<a href=\"/devices/demo-sim-00001\">demo-sim-00001</a></td><td><span class=\"state offline\">offline</span></td>"))
        XCTAssertTrue(first.contains("<a href=\"/models/kws\">kws</a></td><td>1.0.0</td><td class=\"num\">12.3 ms</td><td class=\"num\">99.5/s</td>"))
        XCTAssertTrue(first.contains("id=\"device-count\">10000<"))
        XCTAssertTrue(first.contains("Devices 1–500 of 10000 · <a rel=\"next\" href=\"/?group=%3Clab%3E&amp;after=demo-sim-00499\">next</a>"))
        XCTAssertFalse(first.contains("rel=\"prev\""))
        XCTAssertFalse(first.contains("No device has reported yet"))
        XCTAssertFalse(first.contains("\u{1}"), "no splice marker")

        let middle = try render(from: 5_000)
        XCTAssertEqual(ids(middle).first, "demo-sim-05000")
        XCTAssertTrue(middle.contains("Devices 5001–5500 of 10000 · <a rel=\"prev\" href=\"/?group=%3Clab%3E&amp;before=demo-sim-05000\">previous</a>"
                                      + " · <a rel=\"next\" href=\"/?group=%3Clab%3E&amp;after=demo-sim-05499\">next</a>"))
        let last = try render(from: 9_500)
        XCTAssertEqual(ids(last).count, 500)
        XCTAssertEqual(ids(last).last, "demo-sim-09999")
        XCTAssertTrue(last.contains("Devices 9501–10000 of 10000 · <a rel=\"prev\" href=\"/?group=%3Clab%3E&amp;before=demo-sim-09500\">previous</a></p>"))
        let beyond = DashboardRoutes.fleetPage(devices: [], now: 61_000, deviceCount: 10_000, onlineCount: 5_000, modelCount: 1, reportCount: 123,
                                               filter: nil, matching: 10_000, preceding: 10_000)
        XCTAssertEqual(beyond.previousPage, "/", "past the end: back to the first page")
        XCTAssertNil(beyond.nextPage)
    }

    func testEveryPageRendersItsViewModel() throws {
        let library = try DashboardTemplates.library()
        let empty = try XCTUnwrap(library.render(FleetPage(rendered: "now", deviceCount: 0, onlineCount: 0, modelCount: 0, reportCount: 0,
                                                           filter: nil, devices: [], shownFrom: 0, shownTo: 0, matching: 0), withTemplate: "fleet"))
        XCTAssertTrue(empty.contains("No device has reported yet"))
        XCTAssertFalse(empty.contains("Showing"))

        let event = EventRow(time: "t0", source: "device", device: "pi-<1>", model: "kws", name: "updatePhase", details: "phase=probation")
        let device = try XCTUnwrap(library.render(DevicePage(
            title: "Device pi-<1>", rendered: "now", id: "pi-<1>", state: "online", profile: "rpi", agentVersion: "0.1.0", hardware: "Pi",
            input: "replay", current: .init(name: "kws", version: "1.1.0", short: "abcdef012345"), previous: nil, lastSeen: "2 s ago",
            status: "online", tags: "a, b", groups: "lab", latencyChart: "<svg class=\"chart\"></svg>", throughputChart: "<svg></svg>",
            classChart: SVGChart.bars(labels: ["yes", "no"], values: [3, 1], title: "classes"),
            assignments: [.init(id: "as-1", model: "kws", version: "1.1.0", release: 2, phase: "committed", received: "1.5 KiB", served: "3/3",
                                created: "1 min ago")], events: [event]), withTemplate: "device"))
        XCTAssertTrue(device.contains("<span id=\"device-id\">pi-&lt;1&gt;</span>"))
        XCTAssertTrue(device.contains("<a href=\"/models/kws\">kws</a> 1.1.0 <code>abcdef012345</code>"))
        XCTAssertTrue(device.contains("<dt>Previous</dt><dd>—</dd>"))
        XCTAssertTrue(device.contains("<svg class=\"chart\"></svg>"), "charts are inserted as they are")
        XCTAssertTrue(device.contains("<td>1.1.0 (#2)</td><td>committed</td>"))
        XCTAssertFalse(device.contains("No assignment yet"))

        let models = try XCTUnwrap(library.render(ModelsPage(rendered: "now", models: []), withTemplate: "models"))
        XCTAssertTrue(models.contains("No model registered yet"))

        let version = ModelPage.Version(release: 1, version: "1.0.0", short: "abc", lineage: "root", evaluation: "accuracy 0.900", blessed: true,
                                        aliases: "champion", tags: "", createdBy: "admin", source: "api", registered: "1 h ago",
                                        devices: ["demo-sim-2", "demo-sim-10"], more: 5, parent: "none", dataset: "d", code: "git:1")
        let model = try XCTUnwrap(library.render(ModelPage(title: "Model kws", rendered: "now", name: "kws", versions: [version], latencyChart: ""),
                                                 withTemplate: "model"))
        XCTAssertTrue(model.contains("<a href=\"/devices/demo-sim-2\">demo-sim-2</a> <a href=\"/devices/demo-sim-10\">demo-sim-10</a>  and 5 more"))
        XCTAssertTrue(model.contains("<span class=\"state online\">blessed</span>"))

        let events = try XCTUnwrap(library.render(EventsPage(rendered: "now", events: [
            event, EventRow(time: "t1", source: "collector", device: nil, model: "", name: "bundleRegistered", details: "x & y"),
        ]), withTemplate: "events"))
        XCTAssertTrue(events.contains("<a href=\"/devices/pi-&lt;1&gt;\">pi-&lt;1&gt;</a>"))
        XCTAssertTrue(events.contains("<td>collector</td><td></td>"))
        XCTAssertTrue(events.contains("<td>x &amp; y</td>"))
    }

    /// A cycle's chain from its `loop.*` events: done steps, where a refused candidate stopped it, links and escaping.
    func testLoopPageShowsEachCycleAsAChain() throws {
        func event(_ id: Int64, _ name: String, _ details: [String: String]) -> EventRecord {
            EventRecord(id: id, source: "collector", deviceID: nil, model: "vib", name: name, time: 1_000 * id, receivedAt: 1_000 * id,
                        assignmentID: nil, phase: nil, details: details, error: nil, update: nil)
        }
        let chain = ["cycle": "1", "trigger": "drift report 4"]
        let refused = DashboardRoutes.loopCycle(1, events: [
            event(1, "loop.capture.requested", chain.merging(["cohorts": "profile=rpi-5-4gb", "devices": "40"]) { $1 }),
            event(2, "loop.labels.collected", chain.merging(["labelled": "240"]) { $1 }),
            event(3, "loop.snapshot.taken", chain.merging(["snapshot": "9f86d081884c7d65", "samples": "3240"]) { $1 }),
            event(4, "loop.training.queued", chain.merging(["snapshot": "9f86d081884c7d65", "job": "job-7"]) { $1 }),
            event(5, "loop.cycle.finished", chain.merging(["snapshot": "9f86d081884c7d65", "job": "job-7", "release": "3",
                                                          "outcome": "candidate 3 refused by the gate: accuracy <0.5>"]) { $1 }),
        ], model: "vib", current: nil)
        XCTAssertTrue(refused.failed)
        XCTAssertEqual(refused.steps.map(\.name), ["capture.requested", "labels.collected", "snapshot.taken", "training.queued", "cycle.finished"])
        XCTAssertEqual(refused.steps.first?.link, "/models/vib/drift")
        XCTAssertEqual(refused.chain.components(separatedBy: "class=\"step done\"").count - 1, 5, "drift, capture, labels, snapshot, training")
        XCTAssertEqual(refused.chain.components(separatedBy: "class=\"step failed\"").count - 1, 1, "the gate stopped it")
        XCTAssertEqual(refused.chain.components(separatedBy: "class=\"step pending\"").count - 1, 1, "the rollout never came")

        let running = DashboardRoutes.loopCycle(2, events: [event(6, "loop.capture.requested", ["cycle": "2", "trigger": "operator"])], model: "vib",
                                                current: LearningLoop(model: "vib"))
        XCTAssertFalse(running.failed)
        XCTAssertTrue(running.chain.contains("class=\"step current\""))

        let library = try DashboardTemplates.library()
        let html = try XCTUnwrap(library.render(LoopPage(
            title: "Learning loop of vib", rendered: "now", model: "vib", phase: "capturing", mode: "automatic", cycle: 2, since: "3 s ago",
            devices: 40, labelled: "12", cycles: [running, refused],
            accuracy: [.init(version: "1.0.0 (#1)", profile: "rpi-5-4gb", labelled: 240, accuracy: "0.154")]), withTemplate: "loop"))
        XCTAssertTrue(html.contains("<section class=\"loop-cycle\" id=\"cycle-1\">"))
        XCTAssertTrue(html.contains("refused by the gate: accuracy &lt;0.5&gt;"), "outcomes are escaped")
        XCTAssertTrue(html.contains("<td>rpi-5-4gb</td><td>240</td><td>0.154</td>"))
        XCTAssertTrue(html.contains("40 devices capturing"))
    }
}
