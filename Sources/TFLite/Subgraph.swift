/// One graph of the model: its tensors, operators in execution order, and the indices of its inputs and outputs.
public struct Subgraph: Sendable {
    public var name: String
    public var tensors: [Tensor]
    public var inputs: [Int]
    public var outputs: [Int]
    public var operators: [Operator]

    public init(name: String, tensors: [Tensor], inputs: [Int], outputs: [Int], operators: [Operator]) {
        self.name = name
        self.tensors = tensors
        self.inputs = inputs
        self.outputs = outputs
        self.operators = operators
    }
}
