import Synchronization

/// A clock that moves only when told: for tests of time windows, bake times and retention.
///
/// Thread-safe; shared by reference so a test and the services it drives see the same time.
public final class ManualWallClock: WallClock {
    private let milliseconds: Mutex<Int64>

    public init(_ start: Int64) {
        milliseconds = Mutex(start)
    }

    public func now() -> Int64 { milliseconds.withLock { $0 } }

    /// Moves the clock forward (or back, for tests of a clock that jumps).
    public func advance(by delta: Int64) {
        milliseconds.withLock { $0 += delta }
    }

    public func set(_ value: Int64) {
        milliseconds.withLock { $0 = value }
    }
}
