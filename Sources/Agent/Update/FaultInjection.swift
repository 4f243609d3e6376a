#if canImport(Glibc)
import Glibc
#endif
import FleetProtocol

/// A test hook: `EDGE_AGENT_HOLD_AFTER=<phase>[:<chunks>]` makes the update service stop making progress
/// right after it persisted and reported `phase` (for `downloading`, after `chunks` chunks were written), so
/// a test can kill the process with SIGKILL at a known point of the state machine. Compiled only into builds made
/// with EDGEFLEET_TEST_HOOKS=1 (scripts/test.sh); a shipped agent ignores the variable.
struct FaultInjection: Sendable {
    var holdAfter: UpdatePhase?
    var holdAfterChunks: Int?

    /// True when this build obeys `EDGE_AGENT_HOLD_AFTER` (built with EDGEFLEET_TEST_HOOKS=1, see Package.swift).
    static var compiledIn: Bool {
        #if EDGE_AGENT_TEST_HOOKS
        return true
        #else
        return false
        #endif
    }

    /// The hook as the environment sets it; always inert in builds without EDGE_AGENT_TEST_HOOKS.
    static func fromEnvironment() -> FaultInjection {
        #if EDGE_AGENT_TEST_HOOKS
        guard let raw = getenv("EDGE_AGENT_HOLD_AFTER") else { return FaultInjection() }
        let parts = String(cString: raw).split(separator: ":").map(String.init)
        return FaultInjection(holdAfter: parts.first.flatMap(UpdatePhase.init(rawValue:)),
                              holdAfterChunks: parts.count > 1 ? Int(parts[1]) : nil)
        #else
        return FaultInjection()
        #endif
    }

    /// Suspends forever (until cancelled) when told to hold at `phase`.
    func hold(at phase: UpdatePhase, chunks: Int? = nil) async throws {
        guard phase == holdAfter, holdAfterChunks == chunks else { return }
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}
