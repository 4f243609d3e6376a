import Collector
import FleetProtocol
import Foundation
import XCTest

extension StoreContract {
    /// Devices page by keyset cursors (forwards with `after`, backwards with `before`), every device on exactly one
    /// page, and the totals count the filter's devices (not the page's) and a page's position in one query.
    func devicesPageByCursorAndCountInSQL() async throws {
        let store = try await open()
        let ids = (0..<25).map { "pg-\(String(format: "%02d", $0))" }
        _ = try await store.ingest(ids.map { Messages.birth(device: $0, seq: 1) }, receivedAt: now)
        // A birth brings a device online: every device but each fifth goes offline.
        _ = try await store.ingest(ids.enumerated().filter { $0.offset % 5 != 0 }.map { Messages.status(device: $0.element, online: false) },
                                   receivedAt: now)
        var seen: [String] = []
        var cursor: String?
        repeat {
            let page = try await store.devices(DeviceFilter(limit: 10, after: cursor))
            XCTAssertLessThanOrEqual(page.count, 10)
            seen += page.map(\.id)
            cursor = page.count == 10 ? page.last?.id : nil
        } while cursor != nil
        XCTAssertEqual(seen, ids, "every device once, IDs ascending")
        let back = try await store.devices(DeviceFilter(limit: 10, before: "pg-12"))
        XCTAssertEqual(back.map(\.id), Array(ids[2..<12]), "the ten devices before the cursor, still ascending")
        let online = try await store.devices(DeviceFilter(online: true, limit: 2, after: "pg-05"))
        XCTAssertEqual(online.map(\.id), ["pg-10", "pg-15"], "filters and the cursor combine")

        let all = try await store.deviceTotals(DeviceFilter(limit: 1), preceding: "pg-12")
        XCTAssertEqual(all, DeviceTotals(matching: 25, online: 5, preceding: 12))
        let onlineTotals = try await store.deviceTotals(DeviceFilter(online: true, after: "pg-20"), preceding: nil)
        XCTAssertEqual(onlineTotals, DeviceTotals(matching: 5, online: 5, preceding: 0), "cursors and limit do not narrow the totals")
        let none = try await store.deviceTotals(DeviceFilter(model: "no-such-model"), preceding: "pg-99")
        XCTAssertEqual(none, DeviceTotals(matching: 0, online: 0, preceding: 0))
    }
}
