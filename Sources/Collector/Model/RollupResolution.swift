/// The bucket width of a telemetry rollup.
public enum RollupResolution: String, Codable, Sendable, CaseIterable {
    case minute
    case hour

    /// The bucket width in milliseconds.
    public var milliseconds: Int64 { self == .minute ? 60_000 : 3_600_000 }

    /// The start of the bucket holding `time` (ms since 1970).
    public func bucket(containing time: Int64) -> Int64 {
        let width = milliseconds
        return time >= 0 ? time / width * width : (time - width + 1) / width * width
    }
}
