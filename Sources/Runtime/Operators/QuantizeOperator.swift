import Kernels
import TFLite

/// QUANTIZE (float32 → int8/uint8, and 8-bit requantisation) and DEQUANTIZE (int8/uint8 → float32).
final class QuantizeOperator: PreparedOperator, ParallelJob {
    private enum Kernel {
        case fromFloat(AffineQuantizeParameters, toUInt8: Bool)
        case requantize(RequantizeParameters, from: TensorType, to: TensorType)
        case dequantize(DequantizeParameters, fromUInt8: Bool)
    }

    private let kernel: Kernel
    private let count: Int
    private let inputIndex: Int
    private let outputIndex: Int
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let inputTensor = try ctx.input(0), outputTensor = try ctx.output(0)
        try ctx.setOutputShape(0, inputTensor.shape)
        let eightBit: Set<TensorType> = [.int8, .uint8]
        if ctx.op.opcode == .dequantize {
            guard eightBit.contains(inputTensor.type), outputTensor.type == .float32 else {
                throw ctx.unsupported("\(inputTensor.type.name) → \(outputTensor.type.name) is not supported")
            }
            let q = try ctx.quantization(inputTensor)
            guard q.isPerTensor else { throw ctx.unsupported("per-channel DEQUANTIZE is not supported") }
            kernel = .dequantize(DequantizeParameters(inputScale: q.scale, inputZeroPoint: q.zeroPoint), fromUInt8: inputTensor.type == .uint8)
        } else if inputTensor.type == .float32 {
            guard eightBit.contains(outputTensor.type) else {
                throw ctx.unsupported("float32 → \(outputTensor.type.name) is not supported")
            }
            let q = try ctx.quantization(outputTensor)
            guard q.isPerTensor else { throw ctx.unsupported("per-channel QUANTIZE is not supported") }
            kernel = .fromFloat(AffineQuantizeParameters(outputScale: q.scale, outputZeroPoint: q.zeroPoint), toUInt8: outputTensor.type == .uint8)
        } else {
            guard eightBit.contains(inputTensor.type), eightBit.contains(outputTensor.type) else {
                throw ctx.unsupported("\(inputTensor.type.name) → \(outputTensor.type.name) is not supported")
            }
            let qi = try ctx.quantization(inputTensor), qo = try ctx.quantization(outputTensor)
            kernel = .requantize(RequantizeParameters(inputScale: qi.scale, inputZeroPoint: qi.zeroPoint,
                                                      outputScale: qo.scale, outputZeroPoint: qo.zeroPoint),
                                 from: inputTensor.type, to: outputTensor.type)
        }
        count = inputTensor.elementCount
        inputIndex = try ctx.inputIndex(0)
        outputIndex = try ctx.outputIndex(0)
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(inputIndex)
        output = memory.address(outputIndex)
    }

    func eval(_ pool: WorkerPool?) {
        // Element-wise, so any split is exact. A model's input QUANTIZE (MobileNetV2: 150,528 floats) otherwise
        // runs on one core while the next convolution's parts wait for it.
        if let pool, count >= 8192 * pool.threadCount {
            pool.run(self)
        } else {
            runPart(0, of: 1)
        }
    }

    /// A share of the elements, split on multiples of 16 (the widest SIMD the kernels use).
    func runPart(_ part: Int, of parts: Int) {
        let groups = (count + 15) / 16
        let start = min(groups * part / parts * 16, count), end = min(groups * (part + 1) / parts * 16, count)
        guard start < end else { return }
        convert(from: start, count: end - start)
    }

    /// Converts elements `start ..< start + n`.
    private func convert(from start: Int, count n: Int) {
        switch kernel {
        case .fromFloat(let p, let toUInt8):
            let x = input!.assumingMemoryBound(to: Float.self) + start
            if toUInt8 {
                quantize(p, input: x, output: output!.assumingMemoryBound(to: UInt8.self) + start, count: n)
            } else {
                quantize(p, input: x, output: output!.assumingMemoryBound(to: Int8.self) + start, count: n)
            }
        case .dequantize(let p, let fromUInt8):
            let y = output!.assumingMemoryBound(to: Float.self) + start
            if fromUInt8 {
                dequantize(p, input: input!.assumingMemoryBound(to: UInt8.self) + start, output: y, count: n)
            } else {
                dequantize(p, input: input!.assumingMemoryBound(to: Int8.self) + start, output: y, count: n)
            }
        case .requantize(let p, let from, let to):
            switch (from, to) {
            case (.uint8, .int8):
                requantize(p, input: input!.assumingMemoryBound(to: UInt8.self) + start, output: output!.assumingMemoryBound(to: Int8.self) + start, count: n)
            case (.int8, .uint8):
                requantize(p, input: input!.assumingMemoryBound(to: Int8.self) + start, output: output!.assumingMemoryBound(to: UInt8.self) + start, count: n)
            case (.uint8, _):
                requantize(p, input: input!.assumingMemoryBound(to: UInt8.self) + start, output: output!.assumingMemoryBound(to: UInt8.self) + start, count: n)
            default:
                requantize(p, input: input!.assumingMemoryBound(to: Int8.self) + start, output: output!.assumingMemoryBound(to: Int8.self) + start, count: n)
            }
        }
    }
}
