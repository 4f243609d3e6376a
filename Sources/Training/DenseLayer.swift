/// A fully connected layer `y = act(W·x + b)` with weights laid out as TFLite's FULLY_CONNECTED filter, [out, in].
public struct DenseLayer: Sendable, Equatable {
    /// Row-major [outputCount, inputCount]: row o holds the weights of unit o.
    public var weights: [Float]
    public var biases: [Float]
    public var inputCount: Int
    public var outputCount: Int
    /// Whether a ReLU follows (hidden layers); output layers are linear.
    public var relu: Bool

    public init(weights: [Float], biases: [Float], inputCount: Int, outputCount: Int, relu: Bool) {
        precondition(weights.count == inputCount * outputCount && biases.count == outputCount)
        self.weights = weights
        self.biases = biases
        self.inputCount = inputCount
        self.outputCount = outputCount
        self.relu = relu
    }

    /// Applies the layer to one input vector.
    public func apply(_ input: ArraySlice<Float>) -> [Float] {
        var out = biases
        let base = input.startIndex
        weights.withUnsafeBufferPointer { w in
            for o in 0..<outputCount {
                var acc: Float = 0
                let row = o * inputCount
                for i in 0..<inputCount { acc += w[row + i] * input[base + i] }
                out[o] += acc
                if relu, out[o] < 0 { out[o] = 0 }
            }
        }
        return out
    }
}
