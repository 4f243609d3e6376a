import Kernels
import TFLite

/// Float32 FULLY_CONNECTED (weights [outputs, depth], optional bias, keep_num_dims, fused activation), for float
/// models and the float parts of mixed ones. The quantised paths stay in FullyConnectedOperator.
final class FloatFullyConnectedOperator: PreparedOperator {
    private let batches: Int
    private let depth: Int
    private let outputs: Int
    private let activationMin: Float
    private let activationMax: Float
    private let slots: (input: Int, weights: Int, bias: Int?, output: Int)
    private var pointers: (input: UnsafeMutableRawPointer?, weights: UnsafeMutableRawPointer?, bias: UnsafeMutableRawPointer?, output: UnsafeMutableRawPointer?)

    var macs: Int { batches * depth * outputs }

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let x = try ctx.input(0), w = try ctx.input(1), out = try ctx.output(0)
        guard x.type == .float32, w.type == .float32, out.type == .float32 else {
            throw ctx.unsupported("\(x.type.name) input with \(w.type.name) weights is not supported")
        }
        guard w.shape.count == 2, w.shape[0] > 0, w.shape[1] > 0, x.elementCount % w.shape[1] == 0 else {
            throw ctx.invalid("weights \(w.shape) do not fit input \(x.shape)")
        }
        var options = FullyConnectedOptions()
        if case .fullyConnected(let o) = ctx.op.options { options = o }
        guard options.weightsFormat == 0 else { throw ctx.unsupported("shuffled weights are not supported") }
        (activationMin, activationMax) = floatActivationRange(try ctx.fusedActivation(options.activation))
        depth = w.shape[1]
        outputs = w.shape[0]
        batches = x.elementCount / depth
        var biasSlot: Int?
        if let b = ctx.optionalInput(2) {
            guard b.type == .float32, b.elementCount == outputs else { throw ctx.invalid("bias must hold \(outputs) floats") }
            biasSlot = try ctx.inputIndex(2)
        }
        try ctx.setOutputShape(0, options.keepNumDims ? Array(x.shape.dropLast()) + [outputs] : [batches, outputs])
        slots = (try ctx.inputIndex(0), try ctx.inputIndex(1), biasSlot, try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        pointers = (memory.address(slots.input), memory.address(slots.weights), slots.bias.map { memory.address($0) }, memory.address(slots.output))
    }

    func eval(_ pool: WorkerPool?) {
        floatFullyConnected(batches: batches, depth: depth, outputs: outputs, input: pointers.input!.assumingMemoryBound(to: Float.self),
                            weights: pointers.weights!.assumingMemoryBound(to: Float.self),
                            bias: pointers.bias.map { UnsafePointer($0.assumingMemoryBound(to: Float.self)) },
                            activationMin: activationMin, activationMax: activationMax, output: pointers.output!.assumingMemoryBound(to: Float.self))
    }
}
