import Kernels
import TFLite

/// What an operator's prepare step may ask of the model: its tensors, their constant data, and error helpers.
struct OperatorContext {
    let model: Model
    let graph: Subgraph
    let op: Operator
    /// Position of the operator in execution order.
    let step: Int
    /// Tensor shapes as inferred so far; an operator records the shapes of its outputs here.
    let shapes: ShapeTable
    /// Threads the interpreter runs operators on (1: no worker pool).
    let threads: Int
    /// The GEMM microkernel convolutions and fully-connected layers pack their weights for.
    var microkernel: Microkernel = .selected
    /// The interpreter's preparer: control-flow operators ask it for the subgraphs they run, the variable operators
    /// for the model's resource variables. Nil only outside an interpreter.
    var preparer: GraphPreparer?

    /// The preparer, or an error naming this operator when there is none.
    func requirePreparer() throws(RuntimeError) -> GraphPreparer {
        guard let preparer else { throw unsupported("needs an interpreter's graph preparer") }
        return preparer
    }

    var inputCount: Int { op.inputs.count }

    /// An error naming this operator.
    func invalid(_ message: String) -> RuntimeError {
        RuntimeError(.invalidModel, "operator #\(step) \(op.name): \(message)")
    }

    func unsupported(_ message: String) -> RuntimeError {
        RuntimeError(.unsupportedOperator, "operator #\(step) \(op.name): \(message)")
    }

    /// Index of input `i`; throws when it is missing.
    func inputIndex(_ i: Int) throws(RuntimeError) -> Int {
        guard i < op.inputs.count, op.inputs[i] >= 0 else { throw invalid("input \(i) is missing") }
        return op.inputs[i]
    }

    func outputIndex(_ i: Int) throws(RuntimeError) -> Int {
        guard i < op.outputs.count else { throw invalid("output \(i) is missing") }
        return op.outputs[i]
    }

    /// Tensor `index` with its inferred shape.
    func tensor(_ index: Int) -> Tensor {
        var t = graph.tensors[index]
        t.shape = shapes.shapes[index]
        return t
    }

    func input(_ i: Int) throws(RuntimeError) -> Tensor { tensor(try inputIndex(i)) }

    /// Output `i` as the file declares it (its shape is replaced once the operator infers it).
    func output(_ i: Int) throws(RuntimeError) -> Tensor { tensor(try outputIndex(i)) }

    /// Records the shape output `i` takes: like TFLite, the runtime infers output shapes rather than trusting
    /// the file's (converters leave placeholders, for example around SPACE_TO_BATCH_ND).
    func setOutputShape(_ i: Int, _ shape: [Int]) throws(RuntimeError) {
        var elements = 1
        for d in shape {
            guard d >= 0 else { throw invalid("inferred a negative dimension in \(shape)") }
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow, product <= Int(Int32.max) else { throw invalid("inferred an impossible shape \(shape)") }
            elements = product
        }
        shapes.shapes[try outputIndex(i)] = shape
    }

    /// Input `i` when present (optional inputs are −1 or beyond the list).
    func optionalInput(_ i: Int) -> Tensor? {
        guard i < op.inputs.count, op.inputs[i] >= 0 else { return nil }
        return tensor(op.inputs[i])
    }

    func isConstant(_ tensor: Tensor) -> Bool {
        !model.data(of: tensor).isEmpty
    }

    /// The constant data of input `i` decoded as `T` (little-endian, as .tflite stores it).
    func constantInput<T: FixedWidthInteger>(_ i: Int, as type: T.Type) throws(RuntimeError) -> [T] {
        let tensor = try input(i)
        let data = model.data(of: tensor)
        guard !data.isEmpty else { throw unsupported("input \(i) (\(tensor.name)) must be a constant tensor") }
        guard data.count == tensor.elementCount * MemoryLayout<T>.size else {
            throw invalid("constant \(tensor.name) holds \(data.count) bytes, expected \(tensor.elementCount * MemoryLayout<T>.size)")
        }
        return data.withUnsafeBytes { raw in
            (0..<tensor.elementCount).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
        }
    }

    /// Quantisation of a tensor that must be quantised.
    func quantization(_ tensor: Tensor) throws(RuntimeError) -> Quantization {
        guard let q = tensor.quantization, !q.scales.isEmpty else {
            throw invalid("tensor \(tensor.name) has no quantisation parameters")
        }
        for scale in q.scales where !(scale > 0 && scale.isFinite) {
            throw invalid("tensor \(tensor.name) has an invalid scale \(scale) (scales must be positive and finite)")
        }
        let range = Self.range(of: tensor.type)
        if tensor.type == .int8 || tensor.type == .uint8, let zp = q.zeroPoints.first(where: { $0 < range.min || $0 > range.max }) {
            throw invalid("tensor \(tensor.name) has zero point \(zp), outside the \(tensor.type.name) range")
        }
        return q
    }

    /// The (int8 or uint8) type shared by the listed tensors, or an error naming the first mismatch.
    func requireQuantizedType(_ tensors: Tensor...) throws(RuntimeError) -> TensorType {
        let type = tensors[0].type
        guard type == .int8 || type == .uint8 else {
            throw unsupported("\(type.name) tensors are not supported (int8 and uint8 only)")
        }
        for t in tensors.dropFirst() where t.type != type {
            throw unsupported("mixes \(type.name) and \(t.type.name) tensors")
        }
        return type
    }

    /// The quantised range of a type.
    static func range(of type: TensorType) -> (min: Int32, max: Int32) {
        switch type {
        case .uint8: (0, 255)
        case .int16: (-32768, 32767)
        default: (-128, 127)
        }
    }

    /// Fused activation range of an output tensor.
    func activationRange(_ activation: ActivationFunction, output: Tensor) throws(RuntimeError) -> (min: Int32, max: Int32) {
        let q = try quantization(output)
        let r = Self.range(of: output.type)
        let fused = try fusedActivation(activation)
        return Kernels.activationRange(fused, scale: q.scale, zeroPoint: q.zeroPoint, qmin: r.min, qmax: r.max)
    }

    /// Runs a kernel's parameter initialiser, turning its refusal into an error naming this operator.
    func prepare<T>(_ body: () throws(KernelPreparationError) -> T) throws(RuntimeError) -> T {
        do {
            return try body()
        } catch {
            switch error {
            case .incompatibleShapes(let message): throw invalid(message)
            case .unsupported(let message): throw unsupported(message)
            }
        }
    }

    /// The kernels' name for an 8-bit tensor type.
    static func quantizedType(_ type: TensorType) -> QuantizedType {
        type == .uint8 ? .uint8 : .int8
    }

    /// The kernels' form of a schema activation (only those the quantised kernels support).
    func fusedActivation(_ activation: ActivationFunction) throws(RuntimeError) -> FusedActivation {
        switch activation {
        case .none: .none
        case .relu: .relu
        case .relu6: .relu6
        case .reluN1To1: .reluN1To1
        case .tanh, .signBit: throw unsupported("fused activation \(activation) is not supported")
        }
    }

    /// Requires a 4-D shape and returns it.
    func shape4(_ tensor: Tensor) throws(RuntimeError) -> (Int, Int, Int, Int) {
        guard tensor.shape.count == 4 else { throw invalid("tensor \(tensor.name) must be 4-D, has shape \(tensor.shape)") }
        return (tensor.shape[0], tensor.shape[1], tensor.shape[2], tensor.shape[3])
    }
}
