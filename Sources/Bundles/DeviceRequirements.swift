/// What a board must offer to run the bundled model.
public struct DeviceRequirements: Codable, Sendable, Equatable {
    /// Builtin operator names the model uses, sorted, e.g. `CONV_2D`.
    public var operators: [String]
    /// Bytes of the interpreter's activation arena.
    public var arenaBytes: Int
    /// Bytes of constant weights the interpreter keeps in memory.
    public var weightsBytes: Int
    /// Multiply-accumulates per inference, for latency estimates.
    public var macs: Int
    /// Profile features the board must list, e.g. `neon`, `dotprod`.
    public var requiredFeatures: [String]

    public init(operators: [String], arenaBytes: Int, weightsBytes: Int, macs: Int, requiredFeatures: [String] = []) {
        self.operators = operators
        self.arenaBytes = arenaBytes
        self.weightsBytes = weightsBytes
        self.macs = macs
        self.requiredFeatures = requiredFeatures
    }
}
