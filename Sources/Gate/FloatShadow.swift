import TFLite

/// A float re-computation of an int8 `.tflite` graph: the same weights, dequantised, in float32 arithmetic.
///
/// Every constant is dequantised (per channel where the file says so; int32 biases with their own scales) and
/// every operator runs in float, so activations are never re-quantised between layers. Comparing the int8
/// model's outputs with this shadow measures what int8 arithmetic (activation rounding, requantisation,
/// saturation, the int8 softmax) does to the predictions. It does not see the error of rounding the weights
/// themselves — only a float model from training can show that (`FloatReference.trained`).
///
/// Covers the graphs the trainer and head retrainer export for dense models: SUB, MUL, ADD, QUANTIZE,
/// DEQUANTIZE, FULLY_CONNECTED, SOFTMAX, RESHAPE, RELU, RELU6, LOGISTIC, TANH. Other graphs get no shadow
/// (`make` names the operators it lacks).
public struct FloatShadow: Sendable {
    private let graph: Subgraph
    /// Dequantised constants by tensor index.
    private let constants: [Int: [Float]]

    /// Builds the shadow, or says why the graph has none.
    public static func make(_ model: Model) -> Result<FloatShadow, ShadowUnavailable> {
        let graph = model.mainGraph
        let supported: Set<BuiltinOperator> = [.sub, .mul, .add, .quantize, .dequantize, .fullyConnected, .softmax,
                                               .reshape, .relu, .relu6, .logistic, .tanh]
        let missing = graph.operators.map(\.opcode).filter { !supported.contains($0) }
        if !missing.isEmpty {
            var names: [String] = []
            for op in missing where !names.contains(op.name) { names.append(op.name) }
            return .failure(ShadowUnavailable(reason: "the float re-computation covers dense graphs only; this model uses \(names.joined(separator: ", "))"))
        }
        guard graph.inputs.count == 1, !graph.outputs.isEmpty else {
            return .failure(ShadowUnavailable(reason: "the float re-computation needs one input"))
        }
        var constants: [Int: [Float]] = [:]
        for (index, tensor) in graph.tensors.enumerated() {
            let data = model.data(of: tensor)
            guard !data.isEmpty else { continue }
            guard let values = Self.dequantize(data, tensor) else {
                return .failure(ShadowUnavailable(reason: "constant tensor \"\(tensor.name)\" is \(tensor.type.name), which the float re-computation does not read"))
            }
            constants[index] = values
        }
        return .success(FloatShadow(graph: graph, constants: constants))
    }

    /// Output 0 of the graph in float for one row of real input values.
    public func outputs(_ row: ArraySlice<Float>) -> [Float]? {
        var values = constants
        values[graph.inputs[0]] = Array(row)
        for op in graph.operators {
            guard let output = op.outputs.first, let result = evaluate(op, &values) else { return nil }
            values[output] = result
        }
        return values[graph.outputs[0]]
    }

    private func evaluate(_ op: Operator, _ values: inout [Int: [Float]]) -> [Float]? {
        func input(_ i: Int) -> [Float]? { op.inputs.indices.contains(i) && op.inputs[i] >= 0 ? values[op.inputs[i]] : nil }
        switch op.opcode {
        case .quantize, .dequantize, .reshape:
            return input(0)
        case .relu, .relu6, .logistic, .tanh:
            guard let x = input(0) else { return nil }
            let f: ActivationFunction = op.opcode == .relu ? .relu : op.opcode == .relu6 ? .relu6 : op.opcode == .tanh ? .tanh : .none
            if op.opcode == .logistic { return x.map { 1 / (1 + Self.exp(-$0)) } }
            return x.map { Self.activate($0, f) }
        case .sub, .mul, .add:
            guard let a = input(0), let b = input(1), !a.isEmpty, !b.isEmpty else { return nil }
            var activation = ActivationFunction.none
            if case .arithmetic(let o) = op.options { activation = o.activation }
            // Broadcast the shorter operand cyclically: a per-feature constant against [1, F] rows, or a scalar.
            let n = max(a.count, b.count)
            guard n % a.count == 0, n % b.count == 0 else { return nil }
            return (0..<n).map { i in
                let x = a[i % a.count], y = b[i % b.count]
                let r: Float = op.opcode == .sub ? x - y : op.opcode == .mul ? x * y : x + y
                return Self.activate(r, activation)
            }
        case .fullyConnected:
            guard let x = input(0), let w = input(1), op.inputs.count >= 2 else { return nil }
            let weights = graph.tensors[op.inputs[1]]
            guard weights.shape.count == 2 else { return nil }
            let units = weights.shape[0], depth = weights.shape[1]
            guard units > 0, depth > 0, x.count % depth == 0, w.count == units * depth else { return nil }
            let bias = input(2)
            if let bias, bias.count != units { return nil }
            var activation = ActivationFunction.none
            if case .fullyConnected(let o) = op.options { activation = o.activation }
            let rows = x.count / depth
            var out = [Float](repeating: 0, count: rows * units)
            for r in 0..<rows {
                for u in 0..<units {
                    var sum: Float = bias?[u] ?? 0
                    for d in 0..<depth { sum += x[r * depth + d] * w[u * depth + d] }
                    out[r * units + u] = Self.activate(sum, activation)
                }
            }
            return out
        case .softmax:
            guard let x = input(0), !x.isEmpty else { return nil }
            var beta: Float = 1
            if case .softmax(let o) = op.options, o.beta != 0 { beta = o.beta }
            let shape = graph.tensors[op.inputs[0]].shape
            let depth = max(shape.last ?? x.count, 1)
            guard x.count % depth == 0 else { return nil }
            var out = x
            for start in stride(from: 0, to: x.count, by: depth) {
                let slice = x[start ..< start + depth]
                let top = slice.max()!
                var total: Float = 0
                for i in slice.indices { out[i] = Self.exp(beta * (x[i] - top)); total += out[i] }
                for i in slice.indices { out[i] /= total }
            }
            return out
        default:
            return nil
        }
    }

    static func activate(_ x: Float, _ f: ActivationFunction) -> Float {
        switch f {
        case .relu: return max(0, x)
        case .relu6: return min(6, max(0, x))
        case .reluN1To1: return min(1, max(-1, x))
        case .tanh: let e = exp(2 * x); return e.isInfinite ? 1 : (e - 1) / (e + 1)
        default: return x
        }
    }

    /// e^x without Foundation: range reduction by ln 2 and a Taylor series, accurate to float precision.
    static func exp(_ x: Float) -> Float {
        if x.isNaN { return .nan }
        if x < -87 { return 0 }
        if x > 88 { return .infinity }
        let ln2: Double = 0.693_147_180_559_945_3
        let k = (Double(x) / ln2).rounded()
        let r = Double(x) - k * ln2
        var term = 1.0, sum = 1.0
        for n in 1...14 { term *= r / Double(n); sum += term }
        return Float(sum * pow2(Int(k)))
    }

    private static func pow2(_ k: Int) -> Double {
        Double(sign: .plus, exponent: k, significand: 1)
    }

    /// Constant bytes as real values: float32 as is, int8/uint8/int32 through their (per-channel) quantisation.
    static func dequantize(_ bytes: ArraySlice<UInt8>, _ tensor: Tensor) -> [Float]? {
        // Dynamic (-1) or empty dimensions have no constant data to read.
        guard tensor.shape.allSatisfy({ $0 > 0 }) else { return tensor.shape.contains(0) ? [] : nil }
        let count = tensor.elementCount
        let base = bytes.startIndex
        func scaleAndZero(_ i: Int) -> (Float, Float) {
            guard let q = tensor.quantization, !q.scales.isEmpty else { return (1, 0) }
            guard q.scales.count > 1 else { return (q.scale, Float(q.zeroPoint)) }
            // Per channel: the channel is the index along quantizedDimension.
            let dims = tensor.shape
            let axis = q.quantizedDimension
            guard dims.indices.contains(axis) else { return (q.scale, Float(q.zeroPoint)) }
            let inner = dims[(axis + 1)...].reduce(1, *)
            let channel = (i / inner) % dims[axis]
            let zero = q.zeroPoints.indices.contains(channel) ? Float(q.zeroPoints[channel]) : 0
            return (q.scales[min(channel, q.scales.count - 1)], zero)
        }
        switch tensor.type {
        case .float32:
            guard bytes.count >= count * 4 else { return nil }
            return (0..<count).map { i in
                let o = base + i * 4
                let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
                return Float(bitPattern: bits)
            }
        case .int8:
            guard bytes.count >= count else { return nil }
            return (0..<count).map { i in let (s, z) = scaleAndZero(i); return s * (Float(Int8(bitPattern: bytes[base + i])) - z) }
        case .uint8:
            guard bytes.count >= count else { return nil }
            return (0..<count).map { i in let (s, z) = scaleAndZero(i); return s * (Float(bytes[base + i]) - z) }
        case .int32:
            guard bytes.count >= count * 4 else { return nil }
            return (0..<count).map { i in
                let o = base + i * 4
                let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
                let (s, z) = scaleAndZero(i)
                return s * (Float(Int32(bitPattern: bits)) - z)
            }
        default:
            return nil
        }
    }
}
