/// A half-open range of time, `from ..< to`, in ms since 1970.
public struct TimeRange: Sendable, Equatable {
    public var from: Int64
    public var to: Int64

    public init(from: Int64, to: Int64) {
        self.from = from
        self.to = to
    }

    /// Everything.
    public static let all = TimeRange(from: .min, to: .max)
}
