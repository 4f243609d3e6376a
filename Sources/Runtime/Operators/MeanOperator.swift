import Kernels
import TFLite

/// MEAN over constant axes, int8 or uint8.
final class MeanOperator: PreparedOperator {
    private let parameters: MeanParameters
    private let isUInt8: Bool
    private let inputIndex: Int
    private let outputIndex: Int
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?
    private var sums: UnsafeMutablePointer<Int32>?

    var scratchBytes: Int { parameters.outputCount * MemoryLayout<Int32>.size }

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let inputTensor = try ctx.input(0), outputTensor = try ctx.output(0)
        let type = try ctx.requireQuantizedType(inputTensor, outputTensor)
        let axes = try ctx.constantInput(1, as: Int32.self).map(Int.init)
        let rank = inputTensor.shape.count
        for a in axes where a < -rank || a >= rank {
            throw ctx.invalid("axis \(a) is outside a \(rank)-D input")
        }
        let inQ = try ctx.quantization(inputTensor), outQ = try ctx.quantization(outputTensor)
        let range = OperatorContext.range(of: type)
        parameters = MeanParameters(
            inputShape: inputTensor.shape, axes: axes, inputScale: inQ.scale, inputZeroPoint: inQ.zeroPoint,
            outputScale: outQ.scale, outputZeroPoint: outQ.zeroPoint, outputMin: range.min, outputMax: range.max)
        var keepDims = false
        if case .reducer(let o) = ctx.op.options { keepDims = o.keepDims }
        var reducedShape: [Int] = []
        for (d, extent) in inputTensor.shape.enumerated() {
            if parameters.reduced[d] {
                if keepDims { reducedShape.append(1) }
            } else {
                reducedShape.append(extent)
            }
        }
        try ctx.setOutputShape(0, reducedShape)
        isUInt8 = type == .uint8
        inputIndex = try ctx.inputIndex(0)
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(inputIndex)
        output = memory.address(outputIndex)
        sums = memory.scratch!.bindMemory(to: Int32.self, capacity: parameters.outputCount)
    }

    func eval(_ pool: WorkerPool?) {
        if isUInt8 {
            mean(parameters, input: input!.assumingMemoryBound(to: UInt8.self), sums: sums!, output: output!.assumingMemoryBound(to: UInt8.self))
        } else {
            mean(parameters, input: input!.assumingMemoryBound(to: Int8.self), sums: sums!, output: output!.assumingMemoryBound(to: Int8.self))
        }
    }
}
