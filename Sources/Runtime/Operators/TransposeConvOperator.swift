import Kernels
import TFLite

/// Int8 TRANSPOSE_CONV: constant output shape and filter ([out, h, w, in], per-channel or per-tensor scales),
/// optional int32 bias, SAME or VALID padding, fused activation.
final class TransposeConvOperator: PreparedOperator {
    private let parameters: TransposeConvParameters
    private let slots: (input: Int, filter: Int, bias: Int?, output: Int)
    private var input: UnsafeMutableRawPointer?
    private var filter: UnsafeMutableRawPointer?
    private var bias: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?
    private var scratch: UnsafeMutablePointer<Int32>?

    var scratchBytes: Int { parameters.outputCount * MemoryLayout<Int32>.size }
    var macs: Int { parameters.batches * parameters.inputHeight * parameters.inputWidth * parameters.inputDepth
        * parameters.filterHeight * parameters.filterWidth * parameters.outputDepth }

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let shape = try CopyPlanOperator.integers(ctx, 0)
        let w = try ctx.input(1), x = try ctx.input(2), out = try ctx.output(0)
        guard x.type == .int8, w.type == .int8, out.type == .int8 else {
            throw ctx.unsupported("\(x.type.name) input with \(w.type.name) filter is not supported (int8 only)")
        }
        guard ctx.isConstant(w) else { throw ctx.unsupported("the filter must be a constant tensor") }
        guard shape.count == 4, shape.allSatisfy({ $0 > 0 && $0 < 1 << 16 }) else { throw ctx.invalid("output shape \(shape) is invalid") }
        var o = ScalarOptions()
        if case .scalars(let s) = ctx.op.options { o = s }
        let activation = ActivationFunction(rawValue: o.int8(3)) ?? .none
        let qx = try ctx.quantization(x), qw = try ctx.quantization(w), qo = try ctx.quantization(out)
        let bounds = try ctx.activationRange(activation, output: out)
        parameters = try ctx.prepare { () throws(KernelPreparationError) in
            try TransposeConvParameters(inputShape: x.shape, filterShape: w.shape, outputShape: shape, strideHeight: o.int(2), strideWidth: o.int(1),
                                        same: o.int8(0) == 0, inputScale: qx.scale, inputZeroPoint: qx.zeroPoint, filterScales: qw.scales,
                                        outputScale: qo.scale, outputZeroPoint: qo.zeroPoint, outputMin: bounds.min, outputMax: bounds.max)
        }
        var biasSlot: Int?
        if let b = ctx.optionalInput(3) {
            guard b.type == .int32, b.elementCount == shape[3] else { throw ctx.invalid("bias must hold \(shape[3]) int32 values") }
            biasSlot = try ctx.inputIndex(3)
        }
        try ctx.setOutputShape(0, shape)
        slots = (try ctx.inputIndex(2), try ctx.inputIndex(1), biasSlot, try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(slots.input)
        filter = memory.address(slots.filter)
        bias = slots.bias.map { memory.address($0) }
        output = memory.address(slots.output)
        scratch = memory.scratch!.bindMemory(to: Int32.self, capacity: parameters.outputCount)
    }

    func eval(_ pool: WorkerPool?) {
        transposeConv(parameters, input: input!.assumingMemoryBound(to: Int8.self), filter: filter!.assumingMemoryBound(to: Int8.self),
                      bias: bias.map { UnsafePointer($0.assumingMemoryBound(to: Int32.self)) }, scratch: scratch!,
                      output: output!.assumingMemoryBound(to: Int8.self))
    }
}
