import Kernels
import TFLite

/// MIRROR_PAD (REFLECT or SYMMETRIC, constant paddings) and RESIZE_NEAREST_NEIGHBOR (NHWC, constant size,
/// align_corners / half_pixel_centers): per-dimension coordinate tables built at prepare, bytes copied at eval.
final class IndexedCopyOperator: PreparedOperator {
    private let parameters: IndexedCopyParameters
    private let elementSize: Int
    private let slots: (Int, Int)
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), out = try ctx.output(0)
        guard out.type == a.type, [1, 2, 4, 8].contains(a.type.byteWidth) else {
            throw ctx.unsupported("\(a.type.name) → \(out.type.name) is not supported")
        }
        if let qa = a.quantization, let qo = out.quantization, qa.scales != qo.scales || qa.zeroPoints != qo.zeroPoints {
            throw ctx.unsupported("input and output must share scale and zero point")
        }
        var coordinates: [[Int]] = []
        if ctx.op.opcode == .mirrorPad {
            let raw = try CopyPlanOperator.integers(ctx, 1)
            guard raw.count == 2 * a.shape.count else { throw ctx.invalid("paddings hold \(raw.count) values for a \(a.shape.count)-D input") }
            var mode: Int8 = 0
            if case .scalars(let o) = ctx.op.options { mode = o.int8(0) }
            let offset = mode == 0 ? 1 : 0
            for d in a.shape.indices {
                let before = raw[2 * d], after = raw[2 * d + 1], size = a.shape[d]
                guard before >= 0, after >= 0, before <= size - offset, after <= size - offset, size > 0 else {
                    throw ctx.invalid("paddings \(before), \(after) are too large for dimension \(d) of \(size)")
                }
                coordinates.append((0..<(before + size + after)).map {
                    IndexedCopyParameters.mirrored($0, before: before, inputSize: size, offset: offset)
                })
            }
        } else {
            let (n, h, w, c) = try ctx.shape4(a)
            let size = try CopyPlanOperator.integers(ctx, 1)
            guard size.count == 2, size[0] > 0, size[1] > 0, size[0] < 1 << 16, size[1] < 1 << 16 else {
                throw ctx.invalid("size \(size) must be two positive extents")
            }
            var alignCorners = false, halfPixel = false
            if case .scalars(let o) = ctx.op.options { alignCorners = o.bool(0); halfPixel = o.bool(1) }
            coordinates = [Array(0..<n),
                           (0..<size[0]).map { IndexedCopyParameters.nearest($0, inputSize: h, outputSize: size[0], alignCorners: alignCorners, halfPixelCenters: halfPixel) },
                           (0..<size[1]).map { IndexedCopyParameters.nearest($0, inputSize: w, outputSize: size[1], alignCorners: alignCorners, halfPixelCenters: halfPixel) },
                           Array(0..<c)]
        }
        parameters = try ctx.prepare { () throws(KernelPreparationError) in try IndexedCopyParameters(inputShape: a.shape, coordinates: coordinates) }
        try ctx.setOutputShape(0, coordinates.map(\.count))
        elementSize = a.type.byteWidth
        slots = (try ctx.inputIndex(0), try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(slots.0)
        output = memory.address(slots.1)
    }

    func eval(_ pool: WorkerPool?) {
        switch elementSize {
        case 1: indexedCopy(parameters, input: input!.assumingMemoryBound(to: UInt8.self), output: output!.assumingMemoryBound(to: UInt8.self))
        case 2: indexedCopy(parameters, input: input!.assumingMemoryBound(to: UInt16.self), output: output!.assumingMemoryBound(to: UInt16.self))
        case 4: indexedCopy(parameters, input: input!.assumingMemoryBound(to: UInt32.self), output: output!.assumingMemoryBound(to: UInt32.self))
        default: indexedCopy(parameters, input: input!.assumingMemoryBound(to: UInt64.self), output: output!.assumingMemoryBound(to: UInt64.self))
        }
    }
}

extension IndexedCopyOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        parameters.outputDims.reduce(1, *)
    }
}
