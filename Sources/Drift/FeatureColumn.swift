/// A feature's raw values (one per row), for offline comparisons such as `edgectl drift`.
public struct FeatureColumn: Sendable, Equatable {
    public var name: String
    public var values: [Double]

    public init(name: String, values: [Double]) {
        self.name = name
        self.values = values
    }
}
