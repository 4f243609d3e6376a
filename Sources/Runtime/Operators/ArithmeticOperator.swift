import Kernels
import TFLite

/// ADD, SUB and MUL with broadcasting: int8, uint8, and float32 (SUB and MUL, for exported standardisation).
final class ArithmeticOperator: PreparedOperator, ParallelJob {
    private enum Kernel {
        case addSub(AddSubParameters, subtract: Bool, uint8: Bool)
        case mul(MulParameters, uint8: Bool)
        case float(FloatBinaryParameters, subtract: Bool)
    }

    private let kernel: Kernel

    /// Same-shaped quantised operands take the sixteen-lane AVX-512 or the eight-lane path; broadcasts and float the
    /// scalar loop.
    var kernelPath: String? {
        switch kernel {
        case .addSub(let p, _, _): p.broadcast.needsBroadcast ? "scalar broadcast" : p.sixteenLanes ? "avx512" : "simd8"
        case .mul(let p, _): p.broadcast.needsBroadcast ? "scalar broadcast" : p.sixteenLanes ? "avx512" : "simd8"
        case .float: nil
        }
    }
    private let indices: (Int, Int, Int)
    private var input1: UnsafeMutableRawPointer?
    private var input2: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    /// Constant operands (a standardisation mean, say) are read from the constants region at eval.
    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), b = try ctx.input(1), out = try ctx.output(0)
        let activation: ActivationFunction
        if case .arithmetic(let o) = ctx.op.options { activation = o.activation } else { activation = .none }
        let isSub = ctx.op.opcode == .sub
        if a.type == .float32 {
            guard b.type == .float32, out.type == .float32 else { throw ctx.unsupported("mixes float32 and quantised tensors") }
            guard ctx.op.opcode != .add else { throw ctx.unsupported("float32 ADD is not supported") }
            let fused = try ctx.fusedActivation(activation)
            let p = try ctx.prepare { () throws(KernelPreparationError) in
                try FloatBinaryParameters(input1Shape: a.shape, input2Shape: b.shape, activation: fused)
            }
            try Self.checkOutput(ctx, p.broadcast, out)
            kernel = .float(p, subtract: isSub)
        } else {
            let type = try ctx.requireQuantizedType(a, b, out)
            let qa = try ctx.quantization(a), qb = try ctx.quantization(b), qo = try ctx.quantization(out)
            let range = OperatorContext.range(of: type)
            let fused = try ctx.fusedActivation(activation)
            let bounds = Kernels.activationRange(fused, scale: qo.scale, zeroPoint: qo.zeroPoint, qmin: range.min, qmax: range.max)
            if ctx.op.opcode == .mul {
                var p = try ctx.prepare { () throws(KernelPreparationError) in
                    try MulParameters(input1Shape: a.shape, input2Shape: b.shape,
                                      input1Scale: qa.scale, input1ZeroPoint: qa.zeroPoint,
                                      input2Scale: qb.scale, input2ZeroPoint: qb.zeroPoint,
                                      outputScale: qo.scale, outputZeroPoint: qo.zeroPoint,
                                      activation: fused, qmin: bounds.min, qmax: bounds.max)
                }
                try Self.checkOutput(ctx, p.broadcast, out)
                // The AVX-512 elementwise path goes with the AVX-512 GEMM kernel (forced together by tests and bench).
                p.sixteenLanes = ctx.microkernel == .avx512VNNI
                kernel = .mul(p, uint8: type == .uint8)
            } else {
                var p = try ctx.prepare { () throws(KernelPreparationError) in
                    try AddSubParameters(input1Shape: a.shape, input2Shape: b.shape,
                                         input1Scale: qa.scale, input1ZeroPoint: qa.zeroPoint,
                                         input2Scale: qb.scale, input2ZeroPoint: qb.zeroPoint,
                                         outputScale: qo.scale, outputZeroPoint: qo.zeroPoint,
                                         activation: fused, qmin: range.min, qmax: range.max)
                }
                try Self.checkOutput(ctx, p.broadcast, out)
                p.sixteenLanes = ctx.microkernel == .avx512VNNI
                kernel = .addSub(p, subtract: isSub, uint8: type == .uint8)
            }
        }
        indices = (try ctx.inputIndex(0), try ctx.inputIndex(1), try ctx.outputIndex(0))
    }

    private static func checkOutput(_ ctx: OperatorContext, _ broadcast: BroadcastShape, _ out: Tensor) throws(RuntimeError) {
        try ctx.setOutputShape(0, broadcast.outputShape)
    }

    func bind(_ memory: TensorMemory) {
        input1 = memory.address(indices.0)
        input2 = memory.address(indices.1)
        output = memory.address(indices.2)
    }

    func eval(_ pool: WorkerPool?) {
        // Same-shaped ADD/SUB (residual connections) split into element ranges; the rest is too small to share.
        if let pool, case .addSub(let p, _, _) = kernel, !p.broadcast.needsBroadcast,
           p.broadcast.outputCount >= 8192 * pool.threadCount {
            pool.run(self)
            return
        }
        switch kernel {
        case .addSub:
            runPart(0, of: 1)
        case .mul(let p, let uint8):
            if uint8 {
                Kernels.multiply(p, input1: input1!.assumingMemoryBound(to: UInt8.self), input2: input2!.assumingMemoryBound(to: UInt8.self),
                                 output: output!.assumingMemoryBound(to: UInt8.self))
            } else {
                Kernels.multiply(p, input1: input1!.assumingMemoryBound(to: Int8.self), input2: input2!.assumingMemoryBound(to: Int8.self),
                                 output: output!.assumingMemoryBound(to: Int8.self))
            }
        case .float(let p, let subtract):
            let a = input1!.assumingMemoryBound(to: Float.self), b = input2!.assumingMemoryBound(to: Float.self)
            let o = output!.assumingMemoryBound(to: Float.self)
            if subtract { Kernels.subtract(p, input1: a, input2: b, output: o) } else { Kernels.multiply(p, input1: a, input2: b, output: o) }
        }
    }

    /// A share of a same-shaped ADD/SUB's output elements, split on multiples of 8 (the SIMD width).
    func runPart(_ part: Int, of parts: Int) {
        guard case .addSub(let p, let subtract, let uint8) = kernel else { return }
        let count = p.broadcast.outputCount
        let groups = (count + 7) / 8
        let range = min(groups * part / parts * 8, count)..<min(groups * (part + 1) / parts * 8, count)
        guard !range.isEmpty else { return }
        if uint8 {
            let a = input1!.assumingMemoryBound(to: UInt8.self), b = input2!.assumingMemoryBound(to: UInt8.self)
            let o = output!.assumingMemoryBound(to: UInt8.self)
            if subtract {
                Kernels.subtract(p, input1: a, input2: b, output: o, elements: range)
            } else {
                add(p, input1: a, input2: b, output: o, elements: range)
            }
        } else {
            let a = input1!.assumingMemoryBound(to: Int8.self), b = input2!.assumingMemoryBound(to: Int8.self)
            let o = output!.assumingMemoryBound(to: Int8.self)
            if subtract {
                Kernels.subtract(p, input1: a, input2: b, output: o, elements: range)
            } else {
                add(p, input1: a, input2: b, output: o, elements: range)
            }
        }
    }
}
