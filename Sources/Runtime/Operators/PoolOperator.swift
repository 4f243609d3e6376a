import Kernels
import TFLite

/// AVERAGE_POOL_2D and MAX_POOL_2D for int8 and uint8.
final class PoolOperator: PreparedOperator {
    enum Kind { case average, max }

    private let kind: Kind
    private let parameters: PoolParameters
    private let isUInt8: Bool
    private let inputIndex: Int
    private let outputIndex: Int
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?
    private var accumulators: UnsafeMutablePointer<Int32>?

    var scratchBytes: Int { kind == .average ? parameters.channels * MemoryLayout<Int32>.size : 0 }

    init(_ ctx: OperatorContext, kind: Kind) throws(RuntimeError) {
        guard case .pool2D(let options) = ctx.op.options else { throw ctx.invalid("missing Pool2D options") }
        let inputTensor = try ctx.input(0), outputTensor = try ctx.output(0)
        let type = try ctx.requireQuantizedType(inputTensor, outputTensor)
        let (n, h, w, c) = try ctx.shape4(inputTensor)
        guard options.strideHeight > 0, options.strideWidth > 0, options.filterHeight > 0, options.filterWidth > 0 else {
            throw ctx.invalid("strides and filter sizes must be positive")
        }
        let inQ = try ctx.quantization(inputTensor), outQ = try ctx.quantization(outputTensor)
        guard inQ.scale == outQ.scale, inQ.zeroPoint == outQ.zeroPoint else {
            throw ctx.unsupported("input and output must share scale and zero point")
        }
        let rows = ConvolutionGeometry(inputSize: h, filterSize: options.filterHeight, stride: options.strideHeight, dilation: 1, same: options.padding == .same)
        let cols = ConvolutionGeometry(inputSize: w, filterSize: options.filterWidth, stride: options.strideWidth, dilation: 1, same: options.padding == .same)
        let oh = rows.outputSize, ow = cols.outputSize
        try ctx.setOutputShape(0, [n, oh, ow, c])
        let range = try ctx.activationRange(options.activation, output: outputTensor)
        self.kind = kind
        parameters = PoolParameters(
            batches: n, inputHeight: h, inputWidth: w, channels: c, outputHeight: oh, outputWidth: ow,
            filterHeight: options.filterHeight, filterWidth: options.filterWidth,
            strideHeight: options.strideHeight, strideWidth: options.strideWidth,
            paddingTop: rows.paddingBefore, paddingLeft: cols.paddingBefore, outputMin: range.min, outputMax: range.max)
        isUInt8 = type == .uint8
        inputIndex = try ctx.inputIndex(0)
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(inputIndex)
        output = memory.address(outputIndex)
        if kind == .average {
            accumulators = memory.scratch!.bindMemory(to: Int32.self, capacity: parameters.channels)
        }
    }

    func eval(_ pool: WorkerPool?) {
        switch (kind, isUInt8) {
        case (.average, true):
            averagePool2D(parameters, input: input!.assumingMemoryBound(to: UInt8.self), accumulators: accumulators!,
                          output: output!.assumingMemoryBound(to: UInt8.self))
        case (.average, false):
            averagePool2D(parameters, input: input!.assumingMemoryBound(to: Int8.self), accumulators: accumulators!,
                          output: output!.assumingMemoryBound(to: Int8.self))
        case (.max, true):
            maxPool2D(parameters, input: input!.assumingMemoryBound(to: UInt8.self), output: output!.assumingMemoryBound(to: UInt8.self))
        case (.max, false):
            maxPool2D(parameters, input: input!.assumingMemoryBound(to: Int8.self), output: output!.assumingMemoryBound(to: Int8.self))
        }
    }
}
