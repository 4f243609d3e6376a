import Agent
import Logging
import Synchronization
import XCTest

/// "At most N per minute" with a made-up clock, the throttled warnings built on it, and the truncation of
/// strings from the network.
final class RateLimiterTests: XCTestCase {
    private let start = ContinuousClock.now

    func testAtMostLimitInAnySlidingPeriodAndSuppressedAreReported() {
        var limiter = RateLimiter(limit: 3, per: .seconds(60))
        XCTAssertEqual(limiter.admit(at: start), .admitted(suppressed: 0))
        XCTAssertEqual(limiter.admit(at: start + .seconds(10)), .admitted(suppressed: 0))
        XCTAssertEqual(limiter.admit(at: start + .seconds(20)), .admitted(suppressed: 0))
        for second in 21...59 { XCTAssertEqual(limiter.admit(at: start + .seconds(second)), .refused) }
        XCTAssertEqual(limiter.suppressed, 39)
        XCTAssertEqual(limiter.admit(at: start + .seconds(60)), .admitted(suppressed: 39), "the first admission left the window")
        XCTAssertEqual(limiter.suppressed, 0)
        XCTAssertEqual(limiter.admit(at: start + .seconds(65)), .refused, "10 s and 20 s are still within the last minute")
        XCTAssertEqual(limiter.admit(at: start + .seconds(70)), .admitted(suppressed: 1))
    }

    func testAFloodIsBoundedByTheLimitPerPeriod() {
        var limiter = RateLimiter(limit: 5, per: .seconds(60))
        // 600 requests in two seconds, then 600 more a minute later.
        var admitted = 0
        for n in 0..<1_200 {
            let at = start + .milliseconds(n < 600 ? n * 3 : 60_000 + (n - 600) * 3)
            if case .admitted = limiter.admit(at: at) { admitted += 1 }
        }
        XCTAssertEqual(admitted, 10)
    }

    func testThrottledWarningsPerKey() {
        let clock = Mutex(start)
        let throttle = LogThrottle(limit: 1, per: .seconds(60), now: { clock.withLock { $0 } })
        XCTAssertEqual(throttle.admit("a"), .admitted(suppressed: 0))
        XCTAssertEqual(throttle.admit("a"), .refused)
        XCTAssertEqual(throttle.admit("b"), .admitted(suppressed: 0), "keys are independent")
        XCTAssertEqual(throttle.admit("a"), .refused)
        clock.withLock { $0 += .seconds(61) }
        XCTAssertEqual(throttle.admit("a"), .admitted(suppressed: 2))

        let lines = CapturedLines()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(lines: lines) }
        for n in 0..<100 { throttle.warning("c", "repeated \(n)", logger: logger) }
        clock.withLock { $0 += .seconds(60) }
        throttle.warning("c", "after a minute", metadata: ["k": "v"], logger: logger)
        XCTAssertEqual(lines.all, ["repeated 0", "after a minute k=v suppressed=99"])
    }

    func testNetworkTextIsTruncatedAndCannotForgeLines() {
        XCTAssertEqual("cmd-1".networkText(), "cmd-1")
        let long = String(repeating: "x", count: 5_000)
        XCTAssertEqual(long.networkText(), String(repeating: "x", count: 128) + "…(4872 more)")
        XCTAssertEqual("a\nb\u{1B}[31mc".networkText(), "a?b?[31mc")
        XCTAssertEqual(String(repeating: "é", count: 10).networkText(limit: 4), "éééé…(6 more)")
        XCTAssertLessThanOrEqual(String(repeating: "👍🏽", count: 1_000).networkText().utf8.count, 4 * 128 + 20)
    }
}
