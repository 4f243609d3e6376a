import Kernels
import TFLite

/// RESIZE_BILINEAR: int8 (integer path) and uint8 (the reference's float path), constant output size.
final class ResizeBilinearOperator: PreparedOperator {
    private let parameters: ResizeBilinearParameters
    private let isUInt8: Bool
    private let inputIndex: Int
    private let outputIndex: Int
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        guard case .resizeBilinear(let options) = ctx.op.options else { throw ctx.invalid("missing ResizeBilinear options") }
        let inputTensor = try ctx.input(0), outputTensor = try ctx.output(0)
        let type = try ctx.requireQuantizedType(inputTensor, outputTensor)
        let size = try ctx.constantInput(1, as: Int32.self)
        guard size.count == 2 else { throw ctx.invalid("size must hold two values") }
        let (n, _, _, c) = try ctx.shape4(inputTensor)
        try ctx.setOutputShape(0, [n, Int(size[0]), Int(size[1]), c])
        parameters = try ctx.prepare { () throws(KernelPreparationError) in
            try ResizeBilinearParameters(inputShape: inputTensor.shape, outputHeight: Int(size[0]), outputWidth: Int(size[1]),
                                         alignCorners: options.alignCorners, halfPixelCenters: options.halfPixelCenters)
        }
        isUInt8 = type == .uint8
        inputIndex = try ctx.inputIndex(0)
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(inputIndex)
        output = memory.address(outputIndex)
    }

    func eval(_ pool: WorkerPool?) {
        if isUInt8 {
            resizeBilinear(parameters, input: input!.assumingMemoryBound(to: UInt8.self), output: output!.assumingMemoryBound(to: UInt8.self))
        } else {
            resizeBilinear(parameters, input: input!.assumingMemoryBound(to: Int8.self), output: output!.assumingMemoryBound(to: Int8.self))
        }
    }
}
