import Kernels
import TFLite

/// FULLY_CONNECTED: int8 or legacy uint8, optional bias, keep_num_dims.
final class FullyConnectedOperator: PreparedOperator {
    private let parameters: FullyConnectedParameters
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
    var workspaceBytes: Int { filter.scratchBytes(pixels: 4) }

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        guard case .fullyConnected(let options) = ctx.op.options else { throw ctx.invalid("missing FullyConnected options") }
        guard options.weightsFormat == 0 else { throw ctx.unsupported("shuffled weight formats are not supported") }
        let inputTensor = try ctx.input(0), filterTensor = try ctx.input(1), outputTensor = try ctx.output(0)
        let type = try ctx.requireQuantizedType(inputTensor, filterTensor, outputTensor)
        guard filterTensor.shape.count == 2 else { throw ctx.invalid("filter must be 2-D, has shape \(filterTensor.shape)") }
        let units = filterTensor.shape[0], depth = filterTensor.shape[1]
        guard depth > 0, inputTensor.elementCount % depth == 0 else {
            throw ctx.invalid("input \(inputTensor.shape) cannot be split into rows of \(depth)")
        }
        let batches = inputTensor.elementCount / depth
        if options.keepNumDims {
            try ctx.setOutputShape(0, Array(inputTensor.shape.dropLast()) + [units])
        } else {
            try ctx.setOutputShape(0, [batches, units])
        }
        let (inQ, filterQ, requantization) = try ctx.filterQuantization(
            input: inputTensor, filter: filterTensor, output: outputTensor, type: type, channels: units,
            activation: options.activation, doubleScales: true)
        parameters = FullyConnectedParameters(
            batches: batches, inputDepth: depth, outputDepth: units,
            requantization: requantization)
        let biasValues = try ctx.biasValues(channels: units)
        let weights = try ctx.filterValues(filterQ, type: type)
        isUInt8 = type == .uint8
        filter = weights.withUnsafeBufferPointer {
            PackedFilter(filter: $0.baseAddress!, outputChannels: units, taps: 1, inputChannels: depth,
                         layout: type == .uint8 ? .pairs : .automatic, microkernel: ctx.microkernel)
        }
        bias = AlignedBuffer(weights.withUnsafeBufferPointer { f in
            biasValues.withOptionalPointer { b in
                foldedConvolutionBias(bias: b, filter: f.baseAddress!, outputChannels: units, filterSizePerChannel: depth, inputZeroPoint: inQ.zeroPoint)
            }
        })
        zeroRow = AlignedBuffer(repeating: UInt8(truncatingIfNeeded: inQ.zeroPoint), count: depth)
        inputIndex = try ctx.inputIndex(0)
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(inputIndex)
        output = memory.address(outputIndex)
        scratch = memory.workspace
    }

    func eval(_ pool: WorkerPool?) {
        if isUInt8 {
            fullyConnected(parameters, input: input!.assumingMemoryBound(to: UInt8.self), filter: filter,
                           foldedBias: bias.pointer, zeroRow: zeroRow.pointer, scratch: scratch!,
                           output: output!.assumingMemoryBound(to: UInt8.self))
        } else {
            fullyConnected(parameters, input: input!.assumingMemoryBound(to: Int8.self), filter: filter,
                           foldedBias: bias.pointer, zeroRow: UnsafeRawPointer(zeroRow.pointer).assumingMemoryBound(to: Int8.self),
                           scratch: scratch!, output: output!.assumingMemoryBound(to: Int8.self))
        }
    }
}
