/// The sizes of an SVDF operator (tflite/kernels/svdf.cc): `units` outputs, each the sum of `rank` filters; a filter
/// is a projection of the input (a row of weights_feature) followed by a `memory`-tap filter over time (a row of
/// weights_time) applied to that filter's activation history, the state.
public struct SVDFGeometry: Sendable, Equatable {
    public var batches: Int
    public var inputSize: Int
    /// Rows of weights_feature and weights_time: units × rank.
    public var filters: Int
    public var rank: Int
    /// Time steps each filter remembers (columns of weights_time).
    public var memory: Int

    public init(batches: Int, inputSize: Int, filters: Int, rank: Int, memory: Int) {
        self.batches = batches
        self.inputSize = inputSize
        self.filters = filters
        self.rank = rank
        self.memory = memory
    }

    /// Outputs per batch.
    public var units: Int { filters / rank }

    /// Elements of the activation state, [batches, filters, memory]: each filter's history is contiguous, oldest
    /// first, as LiteRT lays out its [batches, memory × filters] variable tensor.
    public var stateCount: Int { batches * filters * memory }

    /// Multiply-accumulates of one step: the feature projection and the time filter of every filter.
    public var macs: Int { batches * filters * (inputSize + memory) }
}
