/// What the runtime found in a model: operators, memory, compute and I/O schema.
public struct ModelAnalysis: Sendable, Equatable {
    /// Builtin operator names used by the main graph, sorted.
    public var operators: [String]
    /// Operators the runtime lacks; when not empty, memory and compute figures are zero.
    public var unsupportedOperators: [String]
    public var arenaBytes: Int
    public var weightsBytes: Int
    public var macs: Int
    public var inputs: [TensorSchema]
    public var outputs: [TensorSchema]

    public init(operators: [String], unsupportedOperators: [String], arenaBytes: Int, weightsBytes: Int, macs: Int,
                inputs: [TensorSchema], outputs: [TensorSchema]) {
        self.operators = operators
        self.unsupportedOperators = unsupportedOperators
        self.arenaBytes = arenaBytes
        self.weightsBytes = weightsBytes
        self.macs = macs
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The manifest's requirements for this model.
    public func requirements(requiredFeatures: [String] = []) -> DeviceRequirements {
        DeviceRequirements(operators: operators, arenaBytes: arenaBytes, weightsBytes: weightsBytes, macs: macs,
                           requiredFeatures: requiredFeatures.map { $0.lowercased() }.sorted())
    }
}
