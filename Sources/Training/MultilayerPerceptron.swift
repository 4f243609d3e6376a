/// A stack of dense layers: ReLU hidden layers and a linear output (logits, or a reconstruction).
public struct MultilayerPerceptron: Sendable, Equatable {
    public var layers: [DenseLayer]

    public init(layers: [DenseLayer]) {
        precondition(!layers.isEmpty)
        self.layers = layers
    }

    public var inputCount: Int { layers[0].inputCount }
    public var outputCount: Int { layers[layers.count - 1].outputCount }

    /// Every layer's output for one (standardised) input row; the last entry is the network's output.
    public func activations(_ input: ArraySlice<Float>) -> [[Float]] {
        var result: [[Float]] = []
        var x = Array(input)
        for layer in layers {
            x = layer.apply(x[...])
            result.append(x)
        }
        return result
    }

    /// The output for one (standardised) input row.
    public func output(_ input: ArraySlice<Float>) -> [Float] {
        activations(input).last!
    }

    /// Outputs for row-major (standardised) inputs, row-major.
    public func outputs(_ inputs: [Float]) -> [Float] {
        let n = inputCount
        var result: [Float] = []
        result.reserveCapacity(inputs.count / n * outputCount)
        for r in 0..<(inputs.count / n) {
            result += output(inputs[r * n ..< (r + 1) * n])
        }
        return result
    }
}
