import Kernels
import TFLite

/// L2_POOL_2D on float32 NHWC tensors (TFLite has no quantised L2 pooling), with SAME or VALID padding and a fused
/// activation.
final class L2PoolOperator: PreparedOperator {
    private let parameters: PoolParameters
    private let clamp: (min: Float, max: Float)
    private let slots: (Int, Int)
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        guard case .pool2D(let options) = ctx.op.options else { throw ctx.invalid("missing Pool2D options") }
        let a = try ctx.input(0), out = try ctx.output(0)
        guard a.type == .float32, out.type == .float32 else {
            throw ctx.unsupported("\(a.type.name) → \(out.type.name) is not supported (float32 only, as in TFLite)")
        }
        let (n, h, w, c) = try ctx.shape4(a)
        guard options.strideHeight > 0, options.strideWidth > 0, options.filterHeight > 0, options.filterWidth > 0 else {
            throw ctx.invalid("strides and filter sizes must be positive")
        }
        let rows = ConvolutionGeometry(inputSize: h, filterSize: options.filterHeight, stride: options.strideHeight, dilation: 1, same: options.padding == .same)
        let cols = ConvolutionGeometry(inputSize: w, filterSize: options.filterWidth, stride: options.strideWidth, dilation: 1, same: options.padding == .same)
        try ctx.setOutputShape(0, [n, rows.outputSize, cols.outputSize, c])
        clamp = floatActivationRange(try ctx.fusedActivation(options.activation))
        parameters = PoolParameters(
            batches: n, inputHeight: h, inputWidth: w, channels: c, outputHeight: rows.outputSize, outputWidth: cols.outputSize,
            filterHeight: options.filterHeight, filterWidth: options.filterWidth,
            strideHeight: options.strideHeight, strideWidth: options.strideWidth,
            paddingTop: rows.paddingBefore, paddingLeft: cols.paddingBefore, outputMin: 0, outputMax: 0)
        slots = (try ctx.inputIndex(0), try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(slots.0)
        output = memory.address(slots.1)
    }

    func eval(_ pool: WorkerPool?) {
        l2Pool2D(parameters, activationMin: clamp.min, activationMax: clamp.max, input: input!.assumingMemoryBound(to: Float.self),
                 output: output!.assumingMemoryBound(to: Float.self))
    }
}

extension L2PoolOperator {
    /// One multiply-add per window element and output. The window is bounded by the input, so a hostile filter
    /// size cannot overflow the count.
    var macs: Int {
        let p = parameters
        return p.batches * p.outputHeight * p.outputWidth * p.channels * min(p.filterHeight, p.inputHeight) * min(p.filterWidth, p.inputWidth)
    }
}
