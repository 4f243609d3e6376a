import Kernels
import TFLite

/// SVDF: `IntegerSVDFOperator` for int8 input (the full-integer form), `FloatSVDFOperator` for float32 throughout,
/// `HybridSVDFOperator` for float32 input with int8 weights.
///
/// The activation state is a variable tensor that LiteRT carries from one invoke to the next; this runtime starts
/// every invoke from the reset (zero) state, as it does for the LSTMs' state, so each operator keeps its state in
/// its own scratch, zeroes it at the start of `eval`, and never reads the state tensor. Within one invoke the state
/// is shifted and used exactly as LiteRT does.
func svdfOperator(_ ctx: OperatorContext) throws(RuntimeError) -> any PreparedOperator {
    let operands = try SVDFOperands(ctx)
    switch (operands.input.type, operands.weightsFeature.type) {
    case (.int8, _): return try IntegerSVDFOperator(ctx, operands)
    case (.float32, .float32): return try FloatSVDFOperator(ctx, operands)
    case (.float32, .int8): return try HybridSVDFOperator(ctx, operands)
    case (.float32, _):
        throw ctx.unsupported("\(operands.weightsFeature.type.name) weights_feature with float32 input is not supported (float32, or int8 for the hybrid form)")
    default:
        throw ctx.unsupported("\(operands.input.type.name) input is not supported (int8 or float32)")
    }
}
