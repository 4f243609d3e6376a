import FleetProtocol
import Synchronization

/// A capture raised by the collector's `capture` command, shared between the command handler (which sets it) and
/// the inference thread (which reads it between inferences).
///
/// The inference thread checks one atomic generation number per capture decision and takes the lock only when it
/// changed, so the hot path stays lock-free and allocation-free.
final class CaptureOverride: Sendable {
    /// A raised capture: at least this random rate and budget until `until` (``ConditionLock/now()`` nanoseconds).
    struct Raised: Sendable, Equatable {
        var randomRate: Double
        var maxPerHour: Double
        var until: UInt64
    }

    private let raised = Mutex<Raised?>(nil)
    private let changes = Atomic<UInt64>(0)

    /// Applies a request (validated by the caller) from `now` on; replaces any earlier one.
    func raise(_ request: CaptureRequest, now: UInt64) {
        let until = now &+ UInt64(request.durationSeconds) &* 1_000_000_000
        raised.withLock { $0 = Raised(randomRate: request.randomRate, maxPerHour: request.maxPerHour, until: until) }
        changes.add(1, ordering: .releasing)
    }

    /// Increments with every ``raise(_:now:)``: the inference thread re-reads ``current`` only when it moved.
    var generation: UInt64 { changes.load(ordering: .acquiring) }

    /// The raised capture, if one was set (it may have ended: compare `until`).
    var current: Raised? { raised.withLock { $0 } }
}
