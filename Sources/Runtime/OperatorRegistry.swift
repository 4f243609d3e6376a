import TFLite

/// The builtin operators this runtime implements, each with its prepare step.
enum OperatorRegistry {
    typealias Prepare = @Sendable (OperatorContext) throws(RuntimeError) -> any PreparedOperator

    static let builtins: [BuiltinOperator: Prepare] = [
        .conv2D: { (ctx) throws(RuntimeError) in try Conv2DOperator(ctx) },
        .depthwiseConv2D: { (ctx) throws(RuntimeError) in try DepthwiseConv2DOperator(ctx) },
        .fullyConnected: { (ctx) throws(RuntimeError) in try FullyConnectedOperator(ctx) },
        .averagePool2D: { (ctx) throws(RuntimeError) in try PoolOperator(ctx, kind: .average) },
        .maxPool2D: { (ctx) throws(RuntimeError) in try PoolOperator(ctx, kind: .max) },
        .mean: { (ctx) throws(RuntimeError) in try MeanOperator(ctx) },
        .softmax: { (ctx) throws(RuntimeError) in try SoftmaxOperator(ctx) },
        .reshape: { (ctx) throws(RuntimeError) in try ReshapeOperator(ctx) },
        .squeeze: { (ctx) throws(RuntimeError) in try ReshapeOperator(ctx) },
        .add: { (ctx) throws(RuntimeError) in try ArithmeticOperator(ctx) },
        .sub: { (ctx) throws(RuntimeError) in try ArithmeticOperator(ctx) },
        .mul: { (ctx) throws(RuntimeError) in try ArithmeticOperator(ctx) },
        .logistic: { (ctx) throws(RuntimeError) in try ActivationOperator(ctx) },
        .tanh: { (ctx) throws(RuntimeError) in try ActivationOperator(ctx) },
        .hardSwish: { (ctx) throws(RuntimeError) in try ActivationOperator(ctx) },
        .leakyRelu: { (ctx) throws(RuntimeError) in try ActivationOperator(ctx) },
        .relu: { (ctx) throws(RuntimeError) in try ActivationOperator(ctx) },
        .relu6: { (ctx) throws(RuntimeError) in try ActivationOperator(ctx) },
        .reluN1To1: { (ctx) throws(RuntimeError) in try ActivationOperator(ctx) },
        .quantize: { (ctx) throws(RuntimeError) in try QuantizeOperator(ctx) },
        .dequantize: { (ctx) throws(RuntimeError) in try QuantizeOperator(ctx) },
        .concatenation: { (ctx) throws(RuntimeError) in try ConcatenationOperator(ctx) },
        .pad: { (ctx) throws(RuntimeError) in try PadOperator(ctx) },
        .padv2: { (ctx) throws(RuntimeError) in try PadOperator(ctx) },
        .resizeBilinear: { (ctx) throws(RuntimeError) in try ResizeBilinearOperator(ctx) },
        .spaceToBatchND: { (ctx) throws(RuntimeError) in try SpaceBatchOperator(ctx) },
        .batchToSpaceND: { (ctx) throws(RuntimeError) in try SpaceBatchOperator(ctx) },
        .argMax: { (ctx) throws(RuntimeError) in try ArgMaxOperator(ctx) },
    ]
}

/// Which of a model's operators this runtime can run.
public enum OperatorSupport {
    /// Names of the builtin operators the runtime implements, sorted.
    public static var supportedOperatorNames: [String] {
        OperatorRegistry.builtins.keys.map(\.name).sorted()
    }

    /// The distinct operator names used by the model's main graph.
    public static func operatorNames(in model: Model) -> [String] {
        model.operatorNames
    }

    /// The operator names of the model's main graph that the runtime does not implement, in order of first use.
    public static func unsupportedOperators(in model: Model) -> [String] {
        var result: [String] = []
        for op in model.mainGraph.operators where OperatorRegistry.builtins[op.opcode] == nil || op.opcode == .custom {
            if !result.contains(op.name) { result.append(op.name) }
        }
        return result
    }
}
