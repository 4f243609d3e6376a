import Kernels
import TFLite

/// SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND on 4-D 8-bit tensors with constant block shape and paddings/crops.
final class SpaceBatchOperator: PreparedOperator {
    private enum Kernel {
        case spaceToBatch(SpaceToBatchParameters, padValue: UInt8)
        case batchToSpace(BatchToSpaceParameters)
    }

    private let kernel: Kernel
    private let inputIndex: Int
    private let outputIndex: Int
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let inputTensor = try ctx.input(0), outputTensor = try ctx.output(0)
        _ = try ctx.requireQuantizedType(inputTensor, outputTensor)
        let qo = try ctx.quantization(outputTensor)
        let block = try ctx.constantInput(1, as: Int32.self).map(Int.init)
        let amounts = try ctx.constantInput(2, as: Int32.self).map(Int.init)
        let expected: [Int]
        if ctx.op.opcode == .spaceToBatchND {
            let p = try ctx.prepare { () throws(KernelPreparationError) in
                try SpaceToBatchParameters(inputShape: inputTensor.shape, blockShape: block, paddings: amounts)
            }
            expected = [p.outputBatch, p.outputHeight, p.outputWidth, p.depth]
            kernel = .spaceToBatch(p, padValue: UInt8(truncatingIfNeeded: qo.zeroPoint))
        } else {
            let p = try ctx.prepare { () throws(KernelPreparationError) in
                try BatchToSpaceParameters(inputShape: inputTensor.shape, blockShape: block, crops: amounts)
            }
            expected = [p.outputBatch, p.outputHeight, p.outputWidth, p.depth]
            kernel = .batchToSpace(p)
        }
        try ctx.setOutputShape(0, expected)
        inputIndex = try ctx.inputIndex(0)
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(inputIndex)
        output = memory.address(outputIndex)
    }

    func eval(_ pool: WorkerPool?) {
        // Pure data movement: bytes are moved, signedness is irrelevant.
        let x = input!.assumingMemoryBound(to: UInt8.self), y = output!.assumingMemoryBound(to: UInt8.self)
        switch kernel {
        case .spaceToBatch(let p, let padValue): spaceToBatch(p, input: x, output: y, padValue: padValue)
        case .batchToSpace(let p): batchToSpace(p, input: x, output: y)
        }
    }
}
