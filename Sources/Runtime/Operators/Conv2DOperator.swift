import Kernels
import TFLite

/// CONV_2D: int8 per-channel or legacy uint8 per-tensor.
final class Conv2DOperator: PreparedOperator, ParallelJob {
    private let parameters: Conv2DParameters
    private let isUInt8: Bool
    private let filter: PackedFilter
    private let bias: AlignedBuffer<Int32>
    private let zeroRow: AlignedBuffer<UInt8>
    private let inputIndex: Int
    private let outputIndex: Int
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?
    private var scratch: UnsafeMutableRawPointer?

    var kernelPath: String? { filter.microkernel.rawValue }
    var macs: Int { parameters.macs }
    private let threads: Int
    /// Workspace of one thread, rounded to a cache line so threads never share one.
    private var workspacePerThread: Int { (filter.scratchBytes(pixels: 4) + 63) / 64 * 64 }
    var workspaceBytes: Int { workspacePerThread * threads }

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        guard case .conv2D(let options) = ctx.op.options else { throw ctx.invalid("missing Conv2D options") }
        let inputTensor = try ctx.input(0), filterTensor = try ctx.input(1), outputTensor = try ctx.output(0)
        let type = try ctx.requireQuantizedType(inputTensor, filterTensor, outputTensor)
        let (n, h, w, ic) = try ctx.shape4(inputTensor)
        let (oc, kh, kw, fic) = try ctx.shape4(filterTensor)
        guard fic == ic else {
            throw ctx.invalid("input \(inputTensor.shape) and filter \(filterTensor.shape) disagree on channels")
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
        parameters = Conv2DParameters(
            batches: n, inputHeight: h, inputWidth: w, inputChannels: ic, outputHeight: oh, outputWidth: ow,
            outputChannels: oc, filterHeight: kh, filterWidth: kw, strideHeight: options.strideHeight,
            strideWidth: options.strideWidth, dilationHeight: options.dilationHeight, dilationWidth: options.dilationWidth,
            paddingTop: rows.paddingBefore, paddingLeft: cols.paddingBefore, requantization: requantization)
        let biasValues = try ctx.biasValues(channels: oc)
        let weights = try ctx.filterValues(filterQ, type: type)
        isUInt8 = type == .uint8
        filter = weights.withUnsafeBufferPointer {
            // uint8: the uint8 quads of AVX-512 VNNI when that kernel is selected, else int16 pairs.
            type == .uint8
                ? PackedFilter.forUInt8(filter: $0.baseAddress!, zeroPoint: filterQ.zeroPoint, outputChannels: oc,
                                        taps: kh * kw, inputChannels: ic, microkernel: ctx.microkernel)
                : PackedFilter(filter: $0.baseAddress!, outputChannels: oc, taps: kh * kw, inputChannels: ic,
                               layout: .automatic, microkernel: ctx.microkernel)
        }
        bias = AlignedBuffer(weights.withUnsafeBufferPointer { f in
            biasValues.withOptionalPointer { b in
                foldedConvolutionBias(bias: b, filter: f.baseAddress!, outputChannels: oc,
                                      filterSizePerChannel: kh * kw * ic, inputZeroPoint: inQ.zeroPoint)
            }
        })
        zeroRow = AlignedBuffer(repeating: UInt8(truncatingIfNeeded: inQ.zeroPoint), count: ic)
        threads = ctx.threads
        inputIndex = try ctx.inputIndex(0)
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(inputIndex)
        output = memory.address(outputIndex)
        scratch = memory.workspace
    }

    func eval(_ pool: WorkerPool?) {
        let pixels = parameters.batches * parameters.outputHeight * parameters.outputWidth
        // Splitting tiny layers costs more in hand-offs than it saves. A layer with few pixels but many
        // 16-channel blocks (a classifier as a 1×1 convolution on one pixel: 1280 × 1001 weights, more than one
        // core's L2) splits by blocks, each thread streaming its share of the weights.
        if let pool, pixels >= 16 * pool.threadCount || filter.blocks >= 4 * pool.threadCount,
           parameters.macs >= 200_000 {
            pool.run(self)
        } else {
            runPart(0, of: 1)
        }
    }

    /// Computes a share of the output: contiguous pixels, split on the microkernel's 4-pixel blocks, when they
    /// divide evenly or are at least 6 per part (a 7×7 layer's 13 blocks split 7:6); else all pixels for a share
    /// of the 16-channel filter blocks. Pixel splits are preferred despite a small imbalance because each thread
    /// then reads mostly the rows it wrote in the previous layer: a channel-block split makes both threads read
    /// every pixel, half of them from the other core's cache, which cost more than the imbalance on 14×14 layers.
    func runPart(_ part: Int, of parts: Int) {
        let pixels = parameters.batches * parameters.outputHeight * parameters.outputWidth
        let pixelBlocks = (pixels + 3) / 4, filterBlocks = filter.blocks
        var range = 0..<pixels, blocks = 0..<filterBlocks
        if parts > 1 {
            if pixelBlocks % parts == 0 || pixelBlocks >= 6 * parts || filterBlocks < 2 * parts {
                range = min(pixelBlocks * part / parts * 4, pixels)..<min(pixelBlocks * (part + 1) / parts * 4, pixels)
            } else {
                blocks = filterBlocks * part / parts..<filterBlocks * (part + 1) / parts
            }
        }
        guard !range.isEmpty, !blocks.isEmpty else { return }
        let workspace = scratch! + part * workspacePerThread
        if isUInt8 {
            conv2D(parameters, input: input!.assumingMemoryBound(to: UInt8.self), filter: filter,
                   foldedBias: bias.pointer, zeroRow: zeroRow.pointer, scratch: workspace,
                   output: output!.assumingMemoryBound(to: UInt8.self), pixels: range, blocks: blocks)
        } else {
            conv2D(parameters, input: input!.assumingMemoryBound(to: Int8.self), filter: filter,
                   foldedBias: bias.pointer, zeroRow: UnsafeRawPointer(zeroRow.pointer).assumingMemoryBound(to: Int8.self),
                   scratch: workspace, output: output!.assumingMemoryBound(to: Int8.self), pixels: range, blocks: blocks)
        }
    }
}

extension Optional where Wrapped == [Int32] {
    /// Calls `body` with a pointer to the array's elements, or nil when there is no array.
    func withOptionalPointer<R>(_ body: (UnsafePointer<Int32>?) -> R) -> R {
        switch self {
        case .some(let array): array.withUnsafeBufferPointer { body($0.baseAddress) }
        case .none: body(nil)
        }
    }
}
