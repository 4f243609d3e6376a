import FleetSim
import XCTest

/// The simulated devices' resend schedule: exponential while a stall lasts, capped, jittered, reset by progress.
final class ResendBackoffTests: XCTestCase {
    func testWaitsDoubleWhileTheStallLastsUpToTheCap() {
        var backoff = ResendBackoff(base: .seconds(10), maximumFactor: 4)
        XCTAssertEqual(backoff.wait, .seconds(10), "the first resend after resendAfter")
        backoff.resent(jitter: 0.5)
        XCTAssertEqual(backoff.wait, .seconds(20))
        backoff.resent(jitter: 0.5)
        XCTAssertEqual(backoff.wait, .seconds(40))
        backoff.resent(jitter: 0.5)
        XCTAssertEqual(backoff.wait, .seconds(40), "capped at maximumFactor × base")
        XCTAssertEqual(backoff.attempts, 3)
        backoff.progressed()
        XCTAssertEqual(backoff.wait, .seconds(10), "progress starts the next stall from the base again")
        XCTAssertEqual(backoff.attempts, 0)
    }

    func testJitterSpreadsTheWaitBetweenThreeQuartersAndFiveQuarters() {
        var low = ResendBackoff(base: .seconds(8)), high = ResendBackoff(base: .seconds(8))
        low.resent(jitter: 0)
        high.resent(jitter: 1)
        XCTAssertEqual(low.wait, .seconds(12))
        XCTAssertEqual(high.wait, .seconds(20))
        var clamped = ResendBackoff(base: .seconds(8))
        clamped.resent(jitter: 7)
        XCTAssertEqual(clamped.wait, .seconds(20), "jitter outside 0…1 is clamped")
    }

    func testDueOnlyAfterTheWait() {
        let backoff = ResendBackoff(base: .seconds(5))
        let since = ContinuousClock.now
        XCTAssertFalse(backoff.isDue(now: since + .seconds(4), since: since))
        XCTAssertFalse(backoff.isDue(now: since + .seconds(5), since: since))
        XCTAssertTrue(backoff.isDue(now: since + .milliseconds(5_001), since: since))
    }
}
