import FleetSim
import XCTest

/// The simulator's schedule: devices come due in time order, once each, and an earlier request wins.
final class DeviceScheduleTests: XCTestCase {
    let origin = ContinuousClock.now

    func at(_ milliseconds: Int) -> ContinuousClock.Instant { origin + .milliseconds(milliseconds) }

    func testDevicesComeDueInTimeOrderAndOnlyWhenDue() {
        var schedule = DeviceSchedule(devices: 5)
        schedule.schedule(3, at: at(30))
        schedule.schedule(1, at: at(10))
        schedule.schedule(4, at: at(40))
        schedule.schedule(0, at: at(20))
        XCTAssertEqual(schedule.count, 4)
        XCTAssertEqual(schedule.nextDue(), at(10))
        XCTAssertEqual(schedule.takeDue(now: at(5)), [], "nothing is due before its instant")
        XCTAssertEqual(schedule.takeDue(now: at(30)), [1, 0, 3], "earliest first, up to and including now")
        XCTAssertEqual(schedule.count, 1)
        XCTAssertNil(schedule.due(1), "a taken device is unscheduled until scheduled again")
        XCTAssertEqual(schedule.takeDue(now: at(100)), [4])
        XCTAssertNil(schedule.nextDue())
        XCTAssertEqual(schedule.count, 0)
    }

    func testAnEarlierRequestWinsAndALaterOneIsIgnored() {
        var schedule = DeviceSchedule(devices: 2)
        XCTAssertTrue(schedule.schedule(0, at: at(1000)), "the next report")
        XCTAssertTrue(schedule.schedule(0, at: at(20)), "an acknowledgement opened the window: sooner")
        XCTAssertFalse(schedule.schedule(0, at: at(500)), "a later request does not postpone the earlier step")
        XCTAssertEqual(schedule.due(0), at(20))
        XCTAssertEqual(schedule.count, 1, "one live entry per device")
        XCTAssertEqual(schedule.takeDue(now: at(2000)), [0], "the superseded entry is not taken a second time")
        XCTAssertEqual(schedule.takeDue(now: at(3000)), [])
    }

    func testARescheduledDeviceComesDueAgainOnce() {
        var schedule = DeviceSchedule(devices: 1)
        schedule.schedule(0, at: at(10))
        XCTAssertEqual(schedule.takeDue(now: at(10)), [0])
        schedule.schedule(0, at: at(10))
        schedule.schedule(0, at: at(10))
        XCTAssertEqual(schedule.takeDue(now: at(10)), [0], "the same instant twice is one step")
        XCTAssertEqual(schedule.takeDue(now: at(10)), [])
    }

    func testTakeDueHonoursItsLimitAndIgnoresUnknownDevices() {
        var schedule = DeviceSchedule(devices: 3)
        XCTAssertFalse(schedule.schedule(7, at: at(0)), "a device outside the fleet is not scheduled")
        for device in 0..<3 { schedule.schedule(device, at: at(device)) }
        XCTAssertEqual(schedule.takeDue(now: at(10), limit: 2), [0, 1])
        XCTAssertEqual(schedule.takeDue(now: at(10)), [2])
    }

    func testManyDevicesAtFleetScaleStayOrdered() {
        // 100,000 devices, one report every 10 s, reports spread over the interval: each instant taken exactly once.
        let devices = 100_000
        var schedule = DeviceSchedule(devices: devices)
        var random = SystemRandomNumberGenerator()
        var expected: [Int: Int] = [:]
        for device in 0..<devices {
            let offset = Int.random(in: 0..<10_000, using: &random)
            expected[device] = offset
            schedule.schedule(device, at: at(offset))
        }
        var taken = 0
        var last = -1
        for now in stride(from: 0, through: 10_000, by: 20) {
            for device in schedule.takeDue(now: at(now)) {
                let offset = expected[device]!
                XCTAssertLessThanOrEqual(offset, now)
                XCTAssertGreaterThan(offset, now - 20, "taken at the first tick it was due")
                XCTAssertGreaterThanOrEqual(offset, last)
                last = offset
                taken += 1
            }
        }
        XCTAssertEqual(taken, devices)
    }
}
