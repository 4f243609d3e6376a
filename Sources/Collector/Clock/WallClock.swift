/// Where the collector reads the time of day (milliseconds since 1970), injected so tests can move time.
///
/// Everything that stamps, windows or schedules by wall time takes one: ingest (`receivedAt`), the registry,
/// distribution, retention, fleet metrics, and the drift windows and rollout bake times built on them. Intervals
/// measured for speed (commit latency, linger) use `ContinuousClock` and are not wall time.
public protocol WallClock: Sendable {
    /// Milliseconds since 1970-01-01 UTC.
    func now() -> Int64
}
