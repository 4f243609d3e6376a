import Kernels
import TFLite

/// DEPTHWISE_CONV_2D: int8 per-channel or legacy uint8 per-tensor, any depth multiplier.
final class DepthwiseConv2DOperator: PreparedOperator, ParallelJob {
    private let parameters: DepthwiseConv2DParameters
    private let isUInt8: Bool
    private let filterInt8: AlignedBuffer<Int8>?
    private let filterWide: AlignedBuffer<Int16>?
    private let bias: AlignedBuffer<Int32>
    private let zeroRow: AlignedBuffer<UInt8>
    private let inputIndex: Int
    private let outputIndex: Int
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    var macs: Int { parameters.macs }

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        guard case .depthwiseConv2D(let options) = ctx.op.options else { throw ctx.invalid("missing DepthwiseConv2D options") }
        let inputTensor = try ctx.input(0), filterTensor = try ctx.input(1), outputTensor = try ctx.output(0)
        let type = try ctx.requireQuantizedType(inputTensor, filterTensor, outputTensor)
        let (n, h, w, ic) = try ctx.shape4(inputTensor)
        let (one, kh, kw, oc) = try ctx.shape4(filterTensor)
        guard one == 1, ic > 0, oc % ic == 0 else {
            throw ctx.invalid("input \(inputTensor.shape) and filter \(filterTensor.shape) disagree")
        }
        let multiplier = oc / ic
        if options.depthMultiplier != 0 && options.depthMultiplier != multiplier {
            throw ctx.invalid("depth_multiplier is \(options.depthMultiplier) but the shapes imply \(multiplier)")
        }
        guard options.strideHeight > 0, options.strideWidth > 0, options.dilationHeight > 0, options.dilationWidth > 0 else {
            throw ctx.invalid("strides and dilations must be positive")
        }
        let rows = ConvolutionGeometry(inputSize: h, filterSize: kh, stride: options.strideHeight, dilation: options.dilationHeight, same: options.padding == .same)
        let cols = ConvolutionGeometry(inputSize: w, filterSize: kw, stride: options.strideWidth, dilation: options.dilationWidth, same: options.padding == .same)
        let oh = rows.outputSize, ow = cols.outputSize
        try ctx.setOutputShape(0, [n, oh, ow, oc])
        let (inQ, filterQ, requantization) = try ctx.filterQuantization(
            input: inputTensor, filter: filterTensor, output: outputTensor, type: type, channels: oc, activation: options.activation)
        parameters = DepthwiseConv2DParameters(
            convolution: Conv2DParameters(
                batches: n, inputHeight: h, inputWidth: w, inputChannels: ic, outputHeight: oh, outputWidth: ow,
                outputChannels: oc, filterHeight: kh, filterWidth: kw, strideHeight: options.strideHeight,
                strideWidth: options.strideWidth, dilationHeight: options.dilationHeight, dilationWidth: options.dilationWidth,
                paddingTop: rows.paddingBefore, paddingLeft: cols.paddingBefore, requantization: requantization),
            depthMultiplier: multiplier)
        let biasValues = try ctx.biasValues(channels: oc)
        let weights = try ctx.filterValues(filterQ, type: type)
        isUInt8 = type == .uint8
        // int8 weights stay 8-bit (the kernel widens them); uint8 ones carry their zero point removed, in 16 bits.
        filterWide = isUInt8 ? AlignedBuffer(weights) : nil
        filterInt8 = isUInt8 ? nil : AlignedBuffer(weights.map { Int8(truncatingIfNeeded: $0) })
        bias = AlignedBuffer(weights.withUnsafeBufferPointer { f in
            biasValues.withOptionalPointer { b in
                foldedDepthwiseBias(bias: b, filter: f.baseAddress!, outputChannels: oc, taps: kh * kw, inputZeroPoint: inQ.zeroPoint)
            }
        })
        zeroRow = AlignedBuffer(repeating: UInt8(truncatingIfNeeded: inQ.zeroPoint), count: ic)
        inputIndex = try ctx.inputIndex(0)
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(inputIndex)
        output = memory.address(outputIndex)
    }

    func eval(_ pool: WorkerPool?) {
        let c = parameters.convolution
        let rows = c.batches * c.outputHeight
        if let pool, rows * c.outputChannels >= 16 * pool.threadCount, parameters.macs >= 100_000 {
            pool.run(self)
        } else {
            runPart(0, of: 1)
        }
    }

    /// Computes a share of the output: whole rows when they divide evenly or are at least 3 per part (a 7×7 layer
    /// on two threads splits 4:3), else whole-image slices of the channels in blocks of 8. Rows are preferred
    /// despite the imbalance: each thread then reads mostly what it wrote in the previous layer, while a channel
    /// split has both threads read every pixel, half of them from the other core's cache.
    func runPart(_ part: Int, of parts: Int) {
        let c = parameters.convolution
        let rows = c.batches * c.outputHeight
        let channelBlocks = (c.outputChannels + 7) / 8
        var rowRange = 0..<rows, channelRange = 0..<c.outputChannels
        if parts > 1 {
            if rows % parts == 0 || rows >= 3 * parts || channelBlocks < parts {
                rowRange = rows * part / parts..<rows * (part + 1) / parts
            } else {
                channelRange = min(channelBlocks * part / parts * 8, c.outputChannels)..<min(channelBlocks * (part + 1) / parts * 8, c.outputChannels)
            }
        }
        guard !rowRange.isEmpty, !channelRange.isEmpty else { return }
        if isUInt8 {
            depthwiseConv2D(parameters, input: input!.assumingMemoryBound(to: UInt8.self), filter: filterWide!.pointer,
                            foldedBias: bias.pointer, zeroRow: zeroRow.pointer,
                            output: output!.assumingMemoryBound(to: UInt8.self), rows: rowRange, channels: channelRange)
        } else {
            depthwiseConv2D(parameters, input: input!.assumingMemoryBound(to: Int8.self), filter: filterInt8!.pointer,
                            foldedBias: bias.pointer, zeroRow: UnsafeRawPointer(zeroRow.pointer).assumingMemoryBound(to: Int8.self),
                            output: output!.assumingMemoryBound(to: Int8.self), rows: rowRange, channels: channelRange)
        }
    }
}
