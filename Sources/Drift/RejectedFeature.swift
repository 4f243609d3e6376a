/// A feature left out of a comparison, with the reason (counted in the report, never silently dropped).
public struct RejectedFeature: Codable, Equatable, Sendable {
    public var feature: String
    public var code: DriftError.Code
    public var message: String
}
