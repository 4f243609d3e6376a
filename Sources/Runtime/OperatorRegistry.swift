import TFLite

/// The builtin operators this runtime implements, each with its prepare step.
enum OperatorRegistry {
    typealias Prepare = @Sendable (OperatorContext) throws(RuntimeError) -> any PreparedOperator

    static let builtins: [BuiltinOperator: Prepare] = original.merging(extendedBuiltins) { first, _ in first }

    private static let original: [BuiltinOperator: Prepare] = [
        .conv2D: { (ctx) throws(RuntimeError) in try Conv2DOperator(ctx) },
        .depthwiseConv2D: { (ctx) throws(RuntimeError) in try DepthwiseConv2DOperator(ctx) },
        .fullyConnected: { (ctx) throws(RuntimeError) in try floatOrQuantizedFullyConnected(ctx) },
        .averagePool2D: { (ctx) throws(RuntimeError) in try PoolOperator(ctx, kind: .average) },
        .maxPool2D: { (ctx) throws(RuntimeError) in try PoolOperator(ctx, kind: .max) },
        .mean: { (ctx) throws(RuntimeError) in try MeanOperator(ctx) },
        .softmax: { (ctx) throws(RuntimeError) in try SoftmaxOperator(ctx) },
        .reshape: { (ctx) throws(RuntimeError) in try ReshapeOperator(ctx) },
        .squeeze: { (ctx) throws(RuntimeError) in try ReshapeOperator(ctx) },
        // Float32 ADD runs through MathOperator; the quantised paths stay in ArithmeticOperator.
        .add: { (ctx) throws(RuntimeError) in try floatOrQuantizedAdd(ctx) },
        .sub: { (ctx) throws(RuntimeError) in try int32OrArithmetic(ctx) },
        .mul: { (ctx) throws(RuntimeError) in try int32OrArithmetic(ctx) },
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

    /// Operators added for mixed and op-coverage models (issue 18 item 5), kept apart from the table above so the
    /// original set reads as before.
    static let extendedBuiltins: [BuiltinOperator: Prepare] = [
        .stridedSlice: { (ctx) throws(RuntimeError) in try CopyPlanOperator(ctx) },
        .slice: { (ctx) throws(RuntimeError) in try CopyPlanOperator(ctx) },
        .transpose: { (ctx) throws(RuntimeError) in try CopyPlanOperator(ctx) },
        .expandDims: { (ctx) throws(RuntimeError) in try CopyPlanOperator(ctx) },
        .tile: { (ctx) throws(RuntimeError) in try CopyPlanOperator(ctx) },
        .broadcastTo: { (ctx) throws(RuntimeError) in try CopyPlanOperator(ctx) },
        .depthToSpace: { (ctx) throws(RuntimeError) in try CopyPlanOperator(ctx) },
        .spaceToDepth: { (ctx) throws(RuntimeError) in try CopyPlanOperator(ctx) },
        .unpack: { (ctx) throws(RuntimeError) in try CopyPlanOperator(ctx) },
        .split: { (ctx) throws(RuntimeError) in try CopyPlanOperator(ctx) },
        .splitV: { (ctx) throws(RuntimeError) in try CopyPlanOperator(ctx) },
        .pack: { (ctx) throws(RuntimeError) in try PackOperator(ctx) },
        .gather: { (ctx) throws(RuntimeError) in try GatherOperator(ctx) },
        .gatherND: { (ctx) throws(RuntimeError) in try GatherOperator(ctx) },
        .cast: { (ctx) throws(RuntimeError) in try CastOperator(ctx) },
        .reduceMax: { (ctx) throws(RuntimeError) in try ReduceExtremumOperator(ctx) },
        .reduceMin: { (ctx) throws(RuntimeError) in try ReduceExtremumOperator(ctx) },
        .div: { (ctx) throws(RuntimeError) in try quantizedDivOrMath(ctx) },
        .floorDiv: { (ctx) throws(RuntimeError) in try MathOperator(ctx) },
        .minimum: { (ctx) throws(RuntimeError) in try MathOperator(ctx) },
        .maximum: { (ctx) throws(RuntimeError) in try MathOperator(ctx) },
        .sqrt: { (ctx) throws(RuntimeError) in try tableOrMath(ctx) },
        .rsqrt: { (ctx) throws(RuntimeError) in try tableOrMath(ctx) },
        .neg: { (ctx) throws(RuntimeError) in try MathOperator(ctx) },
        .exp: { (ctx) throws(RuntimeError) in try tableOrMath(ctx) },
        .log: { (ctx) throws(RuntimeError) in try tableOrMath(ctx) },
        .abs: { (ctx) throws(RuntimeError) in try quantizedOrMath(ctx) },
        .squaredDifference: { (ctx) throws(RuntimeError) in try quantizedOrMath(ctx) },
        .equal: { (ctx) throws(RuntimeError) in try ComparisonOperator(ctx) },
        .notEqual: { (ctx) throws(RuntimeError) in try ComparisonOperator(ctx) },
        .greater: { (ctx) throws(RuntimeError) in try ComparisonOperator(ctx) },
        .greaterEqual: { (ctx) throws(RuntimeError) in try ComparisonOperator(ctx) },
        .less: { (ctx) throws(RuntimeError) in try ComparisonOperator(ctx) },
        .lessEqual: { (ctx) throws(RuntimeError) in try ComparisonOperator(ctx) },
        .select: { (ctx) throws(RuntimeError) in try SelectOperator(ctx) },
        .selectV2: { (ctx) throws(RuntimeError) in try SelectOperator(ctx) },
        .gelu: { (ctx) throws(RuntimeError) in try LookupTableOperator(ctx) },
        .l2Normalization: { (ctx) throws(RuntimeError) in try LookupTableOperator(ctx) },
        .prelu: { (ctx) throws(RuntimeError) in try PreluOperator(ctx) },
        .sum: { (ctx) throws(RuntimeError) in try ctx.input(0).type == .float32 ? FloatSumOperator(ctx) as any PreparedOperator : SumOperator(ctx) },
        .transposeConv: { (ctx) throws(RuntimeError) in try TransposeConvOperator(ctx) },
        .logSoftmax: { (ctx) throws(RuntimeError) in try LogSoftmaxOperator(ctx) },
        .batchMatmul: { (ctx) throws(RuntimeError) in try BatchMatMulOperator(ctx) },
        .unidirectionalSequenceLstm: { (ctx) throws(RuntimeError) in try floatOrIntegerLSTM(ctx) },
        .floorMod: { (ctx) throws(RuntimeError) in try MathOperator(ctx) },
        .floor: { (ctx) throws(RuntimeError) in try MathOperator(ctx) },
        .ceil: { (ctx) throws(RuntimeError) in try MathOperator(ctx) },
        .square: { (ctx) throws(RuntimeError) in try MathOperator(ctx) },
        .sin: { (ctx) throws(RuntimeError) in try MathOperator(ctx) },
        .cos: { (ctx) throws(RuntimeError) in try MathOperator(ctx) },
        .logicalAnd: { (ctx) throws(RuntimeError) in try TensorUtilityOperator(ctx) },
        .logicalOr: { (ctx) throws(RuntimeError) in try TensorUtilityOperator(ctx) },
        .logicalNot: { (ctx) throws(RuntimeError) in try TensorUtilityOperator(ctx) },
        .addN: { (ctx) throws(RuntimeError) in try TensorUtilityOperator(ctx) },
        .zerosLike: { (ctx) throws(RuntimeError) in try TensorUtilityOperator(ctx) },
        .fill: { (ctx) throws(RuntimeError) in try TensorUtilityOperator(ctx) },
        .shape: { (ctx) throws(RuntimeError) in try TensorUtilityOperator(ctx) },
        .mirrorPad: { (ctx) throws(RuntimeError) in try IndexedCopyOperator(ctx) },
        .resizeNearestNeighbor: { (ctx) throws(RuntimeError) in try IndexedCopyOperator(ctx) },
        // The rest of TFLite Micro's resolver (micro_mutable_op_resolver.h).
        .argMin: { (ctx) throws(RuntimeError) in try ArgMinOperator(ctx) },
        .reverseV2: { (ctx) throws(RuntimeError) in try CopyPlanOperator(ctx) },
        .elu: { (ctx) throws(RuntimeError) in try tableOrMath(ctx) },
        .round: { (ctx) throws(RuntimeError) in try MathOperator(ctx) },
        .cumsum: { (ctx) throws(RuntimeError) in try CumsumOperator(ctx) },
        .reduceAll: { (ctx) throws(RuntimeError) in try ReduceExtremumOperator(ctx) },
        .broadcastArgs: { (ctx) throws(RuntimeError) in try BroadcastArgsOperator(ctx) },
        .dynamicUpdateSlice: { (ctx) throws(RuntimeError) in try DynamicUpdateSliceOperator(ctx) },
        .l2Pool2D: { (ctx) throws(RuntimeError) in try L2PoolOperator(ctx) },
        .embeddingLookup: { (ctx) throws(RuntimeError) in try EmbeddingLookupOperator(ctx) },
        .svdf: { (ctx) throws(RuntimeError) in try svdfOperator(ctx) },
        // Control flow (they run other subgraphs) and resource variables (state across invokes).
        .if: { (ctx) throws(RuntimeError) in try IfOperator(ctx) },
        .while: { (ctx) throws(RuntimeError) in try WhileOperator(ctx) },
        .callOnce: { (ctx) throws(RuntimeError) in try CallOnceOperator(ctx) },
        .varHandle: { (ctx) throws(RuntimeError) in try VarHandleOperator(ctx) },
        .readVariable: { (ctx) throws(RuntimeError) in try ReadVariableOperator(ctx) },
        .assignVariable: { (ctx) throws(RuntimeError) in try AssignVariableOperator(ctx) },
    ]

    /// ADD: float32 and int32 in MathOperator, the quantised paths in ArithmeticOperator as before.
    private static func floatOrQuantizedAdd(_ ctx: OperatorContext) throws(RuntimeError) -> any PreparedOperator {
        let type = try ctx.input(0).type
        if type == .float32 || type == .int32 { return try MathOperator(ctx) }
        return try ArithmeticOperator(ctx)
    }

    /// SUB and MUL: int32 (a loop counter, an index) in MathOperator, wrapping as LiteRT's int32 kernels do; the
    /// rest in ArithmeticOperator as before.
    private static func int32OrArithmetic(_ ctx: OperatorContext) throws(RuntimeError) -> any PreparedOperator {
        if try ctx.input(0).type == .int32 { return try MathOperator(ctx) }
        return try ArithmeticOperator(ctx)
    }

    /// SQRT, RSQRT, EXP, LOG and ELU: int8 in LookupTableOperator, float32 in MathOperator.
    private static func tableOrMath(_ ctx: OperatorContext) throws(RuntimeError) -> any PreparedOperator {
        if try ctx.input(0).type == .int8 { return try LookupTableOperator(ctx) }
        return try MathOperator(ctx)
    }

    /// DIV: int8/uint8 in QuantizedDivOperator, float32 and int32 in MathOperator.
    private static func quantizedDivOrMath(_ ctx: OperatorContext) throws(RuntimeError) -> any PreparedOperator {
        let type = try ctx.input(0).type
        if type == .int8 || type == .uint8 { return try QuantizedDivOperator(ctx) }
        return try MathOperator(ctx)
    }

    /// FULLY_CONNECTED: float32 in FloatFullyConnectedOperator, the quantised paths in FullyConnectedOperator as before.
    private static func floatOrQuantizedFullyConnected(_ ctx: OperatorContext) throws(RuntimeError) -> any PreparedOperator {
        if try ctx.input(0).type == .float32 { return try FloatFullyConnectedOperator(ctx) }
        return try FullyConnectedOperator(ctx)
    }

    /// ABS and SQUARED_DIFFERENCE: int8 with TFLite's rescaling, float32 in MathOperator.
    private static func quantizedOrMath(_ ctx: OperatorContext) throws(RuntimeError) -> any PreparedOperator {
        if try ctx.input(0).type == .int8 { return try QuantizedElementwiseOperator(ctx) }
        return try MathOperator(ctx)
    }
}

/// Which of a model's operators this runtime can run.
public enum OperatorSupport {
    /// Names of the builtin operators the runtime implements, sorted.
    public static var supportedOperatorNames: [String] {
        OperatorRegistry.builtins.keys.map(\.name).sorted()
    }

    /// The distinct operator names the model runs: its main graph's, then those of the subgraphs IF, WHILE and
    /// CALL_ONCE reach, in order of first use.
    public static func operatorNames(in model: Model) -> [String] {
        var seen: [String] = []
        for index in reachableSubgraphs(in: model) {
            for op in model.subgraphs[index].operators where !seen.contains(op.name) { seen.append(op.name) }
        }
        return seen
    }

    /// The indices of subgraph 0 and of every subgraph its IF, WHILE and CALL_ONCE operators reach (directly or
    /// through others), in order of discovery; indices outside the model are left for prepare to report.
    public static func reachableSubgraphs(in model: Model) -> [Int] {
        var order = [0]
        var next = 0
        while next < order.count {
            for op in model.subgraphs[order[next]].operators {
                guard op.opcode == .if || op.opcode == .while || op.opcode == .callOnce, case .scalars(let o) = op.options else { continue }
                for field in o.fields where field.bytes.count == 4 {
                    let index = o.int(field.index)
                    if index >= 0, index < model.subgraphs.count, !order.contains(index) { order.append(index) }
                }
            }
            next += 1
        }
        return order
    }

    /// The operator names of the model's graphs (the main one first, then the subgraphs control flow runs) that the
    /// runtime does not implement, in order of first use.
    public static func unsupportedOperators(in model: Model) -> [String] {
        var result: [String] = []
        for index in reachableSubgraphs(in: model) {
            for op in model.subgraphs[index].operators where OperatorRegistry.builtins[op.opcode] == nil || op.opcode == .custom {
                if !result.contains(op.name) { result.append(op.name) }
            }
        }
        return result
    }
}
