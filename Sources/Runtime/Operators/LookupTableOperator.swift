import Kernels
import TFLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Int8 EXP, LOG, GELU and ELU through a 256-entry table built as TFLite's LUTPopulate does (float32 functions of the
/// dequantised input), and int8 RSQRT, SQRT and L2_NORMALIZATION with TFLite's integer paths.
final class LookupTableOperator: PreparedOperator {
    private enum Kernel {
        case table(ActivationLookupTable)
        case rsqrt(inputZeroPoint: Int32, outputZeroPoint: Int32, multiplier: QuantizedMultiplier)
        case sqrt(inputScale: Float, inputZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32)
        case l2Norm(inputZeroPoint: Int32, outer: Int, depth: Int)
    }

    private let kernel: Kernel
    private let count: Int
    private let slots: (Int, Int)
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), out = try ctx.output(0)
        guard a.type == .int8, out.type == .int8 else { throw ctx.unsupported("\(a.type.name) → \(out.type.name) is not supported") }
        let qa = try ctx.quantization(a), qo = try ctx.quantization(out)
        let (si, zi, so, zo) = (qa.scale, qa.zeroPoint, qo.scale, qo.zeroPoint)
        switch ctx.op.opcode {
        case .exp:
            kernel = .table(ActivationLookupTable(type: .int8, inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo) { expf($0) })
        case .log:
            // Non-positive inputs map to the lowest representable output, as TFLite's table does.
            let outputMin = Float(-128 - zo) * so
            kernel = .table(ActivationLookupTable(type: .int8, inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo) {
                $0 <= 0 ? outputMin : logf($0)
            })
        case .gelu:
            var approximate = false
            if case .scalars(let o) = ctx.op.options { approximate = o.bool(0) }
            let sqrt2OverPi = Float(1.12837916709551257390 * 0.70710678118654752440)
            let minusSqrtHalf = Float(-0.70710678118654752440)
            kernel = .table(ActivationLookupTable(type: .int8, inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo) { x in
                approximate ? 0.5 * x * (1 + tanhf(sqrt2OverPi * (x + 0.044715 * x * x * x))) : 0.5 * x * erfcf(x * minusSqrtHalf)
            })
        case .elu:
            // EluPrepare's LUTPopulate transform.
            kernel = .table(ActivationLookupTable(type: .int8, inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo) {
                $0 < 0 ? fdlibmExpm1f($0) : $0
            })
        case .rsqrt:
            let real = 1.0 / Double(si.squareRoot() * so)
            kernel = .rsqrt(inputZeroPoint: zi, outputZeroPoint: zo, multiplier: QuantizedMultiplier(real))
        case .sqrt:
            kernel = .sqrt(inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo)
        default:
            guard so == 1.0 / 128, zo == 0 else { throw ctx.unsupported("L2_NORMALIZATION output must have scale 1/128 and zero point 0") }
            var activation: Int8 = 0
            if case .scalars(let o) = ctx.op.options { activation = o.int8(0) }
            guard activation == 0 else { throw ctx.unsupported("fused activation on L2_NORMALIZATION is not supported") }
            guard let depth = a.shape.last, depth > 0 else { throw ctx.invalid("input \(a.shape) has no channels") }
            kernel = .l2Norm(inputZeroPoint: zi, outer: a.elementCount / depth, depth: depth)
        }
        try ctx.setOutputShape(0, a.shape)
        count = a.elementCount
        slots = (try ctx.inputIndex(0), try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(slots.0)
        output = memory.address(slots.1)
    }

    func eval(_ pool: WorkerPool?) {
        let i = input!.assumingMemoryBound(to: Int8.self), o = output!.assumingMemoryBound(to: Int8.self)
        switch kernel {
        case .table(let t): lookup(t, input: i, output: o, count: count)
        case .rsqrt(let zi, let zo, let m): quantizedRsqrt(inputZeroPoint: zi, outputZeroPoint: zo, outputMultiplier: m, input: i, output: o, count: count)
        case .sqrt(let si, let zi, let so, let zo):
            quantizedSqrt(inputScale: si, inputZeroPoint: zi, outputScale: so, outputZeroPoint: zo, input: i, output: o, count: count)
        case .l2Norm(let zi, let outer, let depth): l2Normalize(inputZeroPoint: zi, outer: outer, depth: depth, input: i, output: o)
        }
    }
}

extension LookupTableOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        count
    }
}
