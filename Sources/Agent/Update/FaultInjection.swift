#if canImport(Glibc)
import Glibc
#endif
import FleetProtocol

/// A test hook: `EDGE_AGENT_HOLD_AFTER=<phase>[:<chunks>]` makes the update service stop making progress
/// right after it persisted and reported `phase` (for `downloading`, after `chunks` chunks were written), so
/// a test can kill the process with SIGKILL at a known point of the state machine. Unset in production.
struct FaultInjection: Sendable {
    var holdAfter: UpdatePhase?
    var holdAfterChunks: Int?

    static func fromEnvironment() -> FaultInjection {
        guard let raw = getenv("EDGE_AGENT_HOLD_AFTER") else { return FaultInjection() }
        let parts = String(cString: raw).split(separator: ":").map(String.init)
        return FaultInjection(holdAfter: parts.first.flatMap(UpdatePhase.init(rawValue:)),
                              holdAfterChunks: parts.count > 1 ? Int(parts[1]) : nil)
    }

    /// Suspends forever (until cancelled) when told to hold at `phase`.
    func hold(at phase: UpdatePhase, chunks: Int? = nil) async throws {
        guard phase == holdAfter, holdAfterChunks == chunks else { return }
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}
