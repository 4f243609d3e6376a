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
        let inQ = try ctx.quantization(inputTensor), filterQ = try ctx.quantization(filterTensor), outQ = try ctx.quantization(outputTensor)
        guard filterQ.scales.count == 1 || filterQ.scales.count == units else {
            throw ctx.invalid("filter has \(filterQ.scales.count) scales for \(units) units")
        }
        if type == .int8, filterQ.zeroPoints.contains(where: { $0 != 0 }) {
            throw ctx.unsupported("int8 filters must have zero point 0")
        }
        let range = try ctx.activationRange(options.activation, output: outputTensor)
        parameters = FullyConnectedParameters(
            batches: batches, inputDepth: depth, outputDepth: units,
            requantization: ChannelRequantization(
                doubleScalesWithInputScale: inQ.scale, filterScales: filterQ.scales, outputScale: outQ.scale, channels: units,
                outputZeroPoint: outQ.zeroPoint, outputMin: range.min, outputMax: range.max))
        let biasValues: [Int32]? = ctx.optionalInput(2) == nil ? nil : try ctx.constantInput(2, as: Int32.self)
        if let biasValues, biasValues.count != units { throw ctx.invalid("bias has \(biasValues.count) values for \(units) units") }
        isUInt8 = type == .uint8
        if isUInt8 {
            let raw = try ctx.constantInput(1, as: UInt8.self)
            let zp = Int16(filterQ.zeroPoint)
            let wide = raw.map { Int16($0) - zp }
            filter = raw.withUnsafeBufferPointer {
                PackedFilter(filter: $0.baseAddress!, outputChannels: units, taps: 1, inputChannels: depth, zeroPoint: filterQ.zeroPoint)
            }
            bias = AlignedBuffer(wide.withUnsafeBufferPointer { f in
                biasValues.withOptionalPointer { b in
                    foldedConvolutionBias(bias: b, filter: f.baseAddress!, outputChannels: units, filterSizePerChannel: depth, inputZeroPoint: inQ.zeroPoint)
                }
            })
        } else {
            let raw = try ctx.constantInput(1, as: Int8.self)
            filter = raw.withUnsafeBufferPointer {
                PackedFilter(filter: $0.baseAddress!, outputChannels: units, taps: 1, inputChannels: depth)
            }
            bias = AlignedBuffer(raw.withUnsafeBufferPointer { f in
                biasValues.withOptionalPointer { b in
                    foldedConvolutionBias(bias: b, filter: f.baseAddress!, outputChannels: units, filterSizePerChannel: depth, inputZeroPoint: inQ.zeroPoint)
                }
            })
        }
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
