import Kernels
import TFLite

/// Int8 PRELU: alpha (usually a per-channel constant) broadcast against the input.
final class PreluOperator: PreparedOperator {
    private let parameters: PreluParameters
    private let slots: [Int]
    private var pointers: [UnsafeMutableRawPointer] = []

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let x = try ctx.input(0), alpha = try ctx.input(1), out = try ctx.output(0)
        guard x.type == .int8, alpha.type == .int8, out.type == .int8 else {
            throw ctx.unsupported("\(x.type.name) PRELU with \(alpha.type.name) alpha is not supported (int8 only)")
        }
        let qx = try ctx.quantization(x), qa = try ctx.quantization(alpha), qo = try ctx.quantization(out)
        guard qa.scales.count == 1 else { throw ctx.unsupported("per-channel alpha quantisation is not supported") }
        parameters = try ctx.prepare { () throws(KernelPreparationError) in
            try PreluParameters(inputShape: x.shape, alphaShape: alpha.shape, inputScale: qx.scale, inputZeroPoint: qx.zeroPoint,
                                alphaScale: qa.scale, alphaZeroPoint: qa.zeroPoint, outputScale: qo.scale, outputZeroPoint: qo.zeroPoint)
        }
        try ctx.setOutputShape(0, parameters.broadcast.outputShape)
        slots = [try ctx.inputIndex(0), try ctx.inputIndex(1), try ctx.outputIndex(0)]
    }

    func bind(_ memory: TensorMemory) {
        pointers = slots.map { memory.address($0) }
    }

    func eval(_ pool: WorkerPool?) {
        prelu(parameters, input: pointers[0].assumingMemoryBound(to: Int8.self), alpha: pointers[1].assumingMemoryBound(to: Int8.self),
              output: pointers[2].assumingMemoryBound(to: Int8.self))
    }
}

extension PreluOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        parameters.broadcast.outputCount
    }
}
