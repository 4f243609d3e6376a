/// A candidate model run beside the serving one on the same inputs, and how often both agree.
public struct ShadowStatistics: Codable, Sendable, Equatable {
    public var candidate: BundleReference
    /// Inputs both models ran on.
    public var compared: UInt64
    /// Inputs on which both predicted the same class.
    public var agreed: UInt64

    public init(candidate: BundleReference, compared: UInt64, agreed: UInt64) {
        self.candidate = candidate
        self.compared = compared
        self.agreed = agreed
    }

    /// `agreed / compared`, or nil before the first comparison.
    public var agreementRate: Double? { compared == 0 ? nil : Double(agreed) / Double(compared) }
}
