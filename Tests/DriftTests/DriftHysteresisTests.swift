import Drift
import XCTest

final class DriftHysteresisTests: XCTestCase {
    func testHoveringAtTheThresholdDoesNotFlap() {
        var state = DriftHysteresis(clearScore: 0.8, clearWindows: 2)
        // Scores around 1: a naive rule would flip on every window.
        let windows: [(DriftVerdict, Double)] = [(.noDrift, 0.95), (.drift, 1.02), (.noDrift, 0.97), (.drift, 1.01), (.noDrift, 0.9), (.drift, 1.05)]
        var alarms = [Bool]()
        for (verdict, score) in windows { alarms.append(state.update(verdict: verdict, score: score, significant: true)) }
        XCTAssertEqual(alarms, [false, true, true, true, true, true])
    }

    func testClearsAfterConsecutiveCleanWindows() {
        var state = DriftHysteresis(clearScore: 0.8, clearWindows: 2)
        XCTAssertTrue(state.update(verdict: .drift, score: 2, significant: true))
        XCTAssertTrue(state.update(verdict: .noDrift, score: 0.5, significant: true))   // 1 clean
        XCTAssertTrue(state.update(verdict: .noDrift, score: 0.9, significant: true))   // streak broken
        XCTAssertTrue(state.update(verdict: .noDrift, score: 0.5, significant: false))  // 1 clean
        XCTAssertTrue(state.update(verdict: .insufficientData, score: 0, significant: false))  // no change
        XCTAssertEqual(state.cleanStreak, 1)
        XCTAssertFalse(state.update(verdict: .noDrift, score: 0.1, significant: false)) // 2 clean: cleared
        XCTAssertFalse(state.update(verdict: .warning, score: 0.7, significant: true))  // a warning never raises it
    }

    func testInsufficientDataNeverRaisesOrClears() {
        var state = DriftHysteresis(policy: DriftPolicy())
        XCTAssertFalse(state.update(verdict: .insufficientData, score: 10, significant: true))
        state.update(verdict: .drift, score: 3, significant: true)
        for _ in 0..<5 { XCTAssertTrue(state.update(verdict: .insufficientData, score: 0, significant: false)) }
    }
}
