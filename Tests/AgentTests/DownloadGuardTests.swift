import Agent
import XCTest

/// The download's limits in process: the overall deadline from the announced size and the minimum rate, the stall
/// timeout since the last chunk written, the bound on chunks the announced size rules out, and how long the
/// downloader may wait. (The real agent against a hostile source: DownloadLimitsEndToEndTests.)
final class DownloadGuardTests: XCTestCase {
    private let start = ContinuousClock.now
    private let limits = DownloadGuard.Limits(minimumBytesPerSecond: 1000, graceSeconds: 5, stallSeconds: 3, maxUnexpectedChunks: 2)

    private func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int64(seconds * 1000)) }

    func testTheDeadlineIsTheGracePlusTheMissingBytesAtTheMinimumRate() {
        var watch = DownloadGuard(size: 10_000, chunkSize: 1000, remaining: 10_000, limits: limits, now: start)
        XCTAssertEqual(watch.deadline, at(15), "5 s of grace + 10,000 bytes at 1,000 B/s")
        // A source that delivers a chunk every 2 s never stalls, but misses the deadline.
        for second in stride(from: 2.0, through: 14, by: 2) {
            XCTAssertNil(watch.verdict(at: at(second), written: Int(second) * 500, excess: .init()))
            watch.progressed(at: at(second))
        }
        let error = watch.verdict(at: at(15), written: 7000, excess: .init())
        XCTAssertEqual(error?.code, .downloadTimeout)
        XCTAssertTrue(error?.message.contains("deadline of 15.0 s") ?? false, "\(String(describing: error))")
        XCTAssertTrue(error?.message.contains("7000 of 10000 bytes") ?? false, "\(String(describing: error))")

        // A resumed download gets a deadline for what is still missing.
        let resumed = DownloadGuard(size: 10_000, chunkSize: 1000, remaining: 4000, limits: limits, now: start)
        XCTAssertEqual(resumed.deadline, at(9))
    }

    func testASilentSourceStallsTheDownloadAfterTheStallTimeout() {
        var watch = DownloadGuard(size: 100_000, chunkSize: 1000, remaining: 100_000, limits: limits, now: start)
        XCTAssertNil(watch.verdict(at: at(2.9), written: 0, excess: .init()))
        XCTAssertEqual(watch.verdict(at: at(3), written: 0, excess: .init())?.code, .downloadTimeout)
        watch.progressed(at: at(2.5))
        XCTAssertNil(watch.verdict(at: at(5.4), written: 1000, excess: .init()), "a chunk written restarts the stall timeout")
        let stalled = watch.verdict(at: at(5.5), written: 1000, excess: .init())
        XCTAssertEqual(stalled?.code, .downloadTimeout)
        XCTAssertTrue(stalled?.message.contains("update.downloadStallSeconds") ?? false, "\(String(describing: stalled))")
    }

    func testChunksTheAnnouncedSizeRulesOutAreToleratedUpToTheBoundThenRefused() {
        let watch = DownloadGuard(size: 10_000, chunkSize: 1000, remaining: 10_000, limits: limits, now: start)
        var excess = DownloadGuard.Excess()
        excess.record(bytes: 1000, pastTheEnd: true)
        excess.record(bytes: 5000, pastTheEnd: false)
        XCTAssertEqual(excess.chunks, 2)
        XCTAssertEqual(excess.largest, 5000)
        XCTAssertEqual(excess.bytes, 6000)
        XCTAssertNil(watch.verdict(at: at(1), written: 0, excess: excess), "a few stale chunks are tolerated")
        excess.record(bytes: 2000, pastTheEnd: false)
        let error = watch.verdict(at: at(1), written: 3000, excess: excess)
        XCTAssertEqual(error?.code, .excessData)
        for part in ["3 chunks", "1 past the last chunk", "2 larger than their place", "the largest 5000 bytes", "announced as 10000 bytes",
                     "3000 bytes written"] {
            XCTAssertTrue(error?.message.contains(part) ?? false, "\(part): \(String(describing: error))")
        }
        // Excess data is judged before time: the reason names what the source did.
        XCTAssertEqual(watch.verdict(at: at(100), written: 0, excess: excess)?.code, .excessData)
    }

    func testTheWaitIsCutShortByTheStallTimeoutAndTheDeadline() {
        var watch = DownloadGuard(size: 10_000, chunkSize: 1000, remaining: 10_000, limits: limits, now: start)
        XCTAssertEqual(watch.wait(at: at(0), chunkTimeout: .seconds(1)), .seconds(1), "the re-request interval")
        XCTAssertEqual(watch.wait(at: at(2.5), chunkTimeout: .seconds(1)), .milliseconds(500), "the stall timeout comes first")
        watch.progressed(at: at(14))
        XCTAssertEqual(watch.wait(at: at(14.75), chunkTimeout: .seconds(1)), .milliseconds(250), "the deadline comes first")
        XCTAssertEqual(watch.wait(at: at(20), chunkTimeout: .seconds(1)), .milliseconds(1), "never a negative wait")
    }

    func testTheConfigurationSetsTheLimits() {
        let settings = UpdateSettings(downloadMinimumBytesPerSecond: 2048, downloadGraceSeconds: 7, downloadStallSeconds: 9)
        XCTAssertEqual(settings.downloadLimits, DownloadGuard.Limits(minimumBytesPerSecond: 2048, graceSeconds: 7, stallSeconds: 9))
        let defaults = UpdateSettings().downloadLimits
        XCTAssertEqual(defaults.minimumBytesPerSecond, 8192)
        XCTAssertEqual(defaults.graceSeconds, 120)
        XCTAssertEqual(defaults.stallSeconds, 120)
        XCTAssertEqual(defaults.maxUnexpectedChunks, 8)
    }
}
