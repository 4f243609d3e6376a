/// Why no float re-computation of a model exists (reported as the agreement check's reason).
public struct ShadowUnavailable: Error, Sendable, Equatable {
    public var reason: String

    public init(reason: String) { self.reason = reason }
}
