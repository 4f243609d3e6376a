import Kernels
import Runtime
import TFLite
import XCTest

/// SVDF through the interpreter on hand-built models: the state restarts from zero at every invoke, results equal
/// the kernel's run on a zeroed state, and malformed operators (ranks, shapes, the state tensor, types, the int8
/// activation) are refused with the runtime's error naming the problem. The conformance fixtures (svdf_int8,
/// svdf_float) check the results against LiteRT byte for byte.
final class SVDFOperatorTests: XCTestCase {
    private struct Spec {
        var integer = true
        var batches = 2, inputSize = 5, rank = 2, units = 3, memory = 4
        var activation: ActivationFunction = .relu
        var bias = true
    }

    private static func le<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { v in (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: v.littleEndian >> (8 * $0)) } }
    }

    private static let scales: (input: Float, wf: Float, wt: Float, state: Float, output: Float) = (0.02, 0.005, 0.002, 0.0002, 0.03)

    private static func weights(_ s: Spec) -> (wf: [Int8], wt: [Int16], bias: [Int32], wfFloat: [Float], wtFloat: [Float], biasFloat: [Float]) {
        let filters = s.rank * s.units
        let wf = (0..<(filters * s.inputSize)).map { Int8(truncatingIfNeeded: ($0 * 37) % 255 - 127) }
        let wt = (0..<(filters * s.memory)).map { Int16(($0 * 89) % 1021 - 510) }
        let bias = (0..<s.units).map { Int32($0 * 700 - 900) }
        return (wf, wt, bias, wf.map { Float($0) / 128 }, wt.map { Float($0) / 512 }, bias.map { Float($0) / 1000 })
    }

    /// A one-SVDF model: tensors input, weights_feature, weights_time, bias, state, output; `edit` changes any of it.
    private func model(_ s: Spec, edit: (inout [Tensor], inout [Int], inout ScalarOptions) -> Void = { _, _, _ in }) throws -> Model {
        let filters = s.rank * s.units
        let w = Self.weights(s)
        func q(_ scale: Float, _ zp: Int64 = 0) -> Quantization? { s.integer ? Quantization(scales: [scale], zeroPoints: [zp]) : nil }
        var tensors = [
            Tensor(name: "input", shape: [s.batches, s.inputSize], type: s.integer ? .int8 : .float32, buffer: 0, quantization: q(Self.scales.input, -3)),
            Tensor(name: "weights_feature", shape: [filters, s.inputSize], type: s.integer ? .int8 : .float32, buffer: 1, quantization: q(Self.scales.wf)),
            Tensor(name: "weights_time", shape: [filters, s.memory], type: s.integer ? .int16 : .float32, buffer: 2, quantization: q(Self.scales.wt)),
            Tensor(name: "bias", shape: [s.units], type: s.integer ? .int32 : .float32, buffer: 3, quantization: q(Self.scales.wt * Self.scales.state)),
            Tensor(name: "state", shape: [s.batches, s.memory * filters], type: s.integer ? .int16 : .float32, buffer: 0,
                   quantization: q(Self.scales.state), isVariable: true),
            Tensor(name: "output", shape: [s.batches, s.units], type: s.integer ? .int8 : .float32, buffer: 0, quantization: q(Self.scales.output, 5)),
        ]
        let buffers: [[UInt8]] = s.integer
            ? [[], Self.le(w.wf), Self.le(w.wt), Self.le(w.bias)]
            : [[], Self.le(w.wfFloat.map(\.bitPattern)), Self.le(w.wtFloat.map(\.bitPattern)), Self.le(w.biasFloat.map(\.bitPattern))]
        var inputs = [0, 1, 2, s.bias ? 3 : -1, 4]
        var options = ScalarOptions(fields: [0: Self.le([Int32(s.rank)]), 1: [UInt8(bitPattern: s.activation.rawValue)]])
        edit(&tensors, &inputs, &options)
        // Every constant gets its own buffer cut or zero-padded to its (possibly edited) shape and type, so that the
        // operator's checks are reached rather than the interpreter's check of constant sizes.
        var fitted: [[UInt8]] = [[]]
        for i in tensors.indices where tensors[i].buffer != 0 {
            let bytes = buffers[min(tensors[i].buffer, buffers.count - 1)]
            let count = tensors[i].byteCount
            fitted.append(Array(bytes.prefix(count)) + [UInt8](repeating: 0, count: max(0, count - bytes.count)))
            tensors[i].buffer = fitted.count - 1
        }
        let graph = Subgraph(name: "main", tensors: tensors, inputs: [0], outputs: [5],
                             operators: [Operator(opcode: .svdf, inputs: inputs, outputs: [5], options: .scalars(options))])
        return try Model(subgraphs: [graph], buffers: fitted)
    }

    func testIntegerSVDFEqualsTheKernelFromAZeroStateOnEveryInvoke() throws {
        let s = Spec()
        let interpreter = try Interpreter(model: model(s))
        XCTAssertEqual(interpreter.outputs[0].shape, [2, 3])
        XCTAssertEqual(interpreter.macs, 2 * 6 * (5 + 4))
        let g = SVDFGeometry(batches: 2, inputSize: 5, filters: 6, rank: 2, memory: 4)
        let p = IntegerSVDFParameters(geometry: g, inputScale: Self.scales.input, weightsFeatureScale: Self.scales.wf,
                                      stateScale: Self.scales.state, weightsTimeScale: Self.scales.wt, outputScale: Self.scales.output,
                                      inputZeroPoint: -3, outputZeroPoint: 5)
        let w = Self.weights(s)
        func expected(_ x: [Int8]) -> [Int8] {
            var state = [Int16](repeating: 0, count: g.stateCount)
            var out = [Int8](repeating: 0, count: 6)
            integerSVDF(p, input: x, weightsFeature: w.wf, weightsTime: w.wt, bias: w.bias, state: &state, output: &out)
            return out
        }
        let a: [Int8] = [100, -7, 55, 127, -128, 3, 9, -60, 31, 80], b: [Int8] = [-1, 2, -3, 4, -5, 6, -7, 8, -9, 10]
        var outputs: [[Int8]] = []
        for x in [a, b, a, a] {
            try interpreter.setInput(0, x.map { UInt8(bitPattern: $0) })
            interpreter.invoke()
            outputs.append(interpreter.outputBytes(0).map { Int8(bitPattern: $0) })
        }
        XCTAssertEqual(outputs[0], expected(a))
        XCTAssertEqual(outputs[1], expected(b))
        XCTAssertNotEqual(outputs[0], outputs[1])
        // The state does not carry over: the same input gives the same output after another one, and twice in a row.
        XCTAssertEqual(outputs[2], outputs[0])
        XCTAssertEqual(outputs[3], outputs[0])
    }

    func testFloatSVDFEqualsTheKernelFromAZeroStateOnEveryInvoke() throws {
        var s = Spec()
        s.integer = false
        s.activation = .none
        s.bias = false
        let interpreter = try Interpreter(model: model(s))
        let g = SVDFGeometry(batches: 2, inputSize: 5, filters: 6, rank: 2, memory: 4)
        let w = Self.weights(s)
        let x: [Float] = [0.5, -1.25, 2, 0.75, -0.1, 1, 1, -2, 0.3, 0.9]
        var state = [Float](repeating: 0, count: g.stateCount), scratch = [Float](repeating: 0, count: 12)
        var expected = [Float](repeating: 0, count: 6)
        floatSVDF(FloatSVDFParameters(geometry: g, activation: .none), input: x, weightsFeature: w.wfFloat, weightsTime: w.wtFloat,
                  bias: nil, state: &state, scratch: &scratch, output: &expected)
        for _ in 0..<2 {
            try interpreter.setInput(0, Self.le(x.map(\.bitPattern)))
            interpreter.invoke()
            let out = interpreter.outputBytes(0)
            XCTAssertEqual(out, Self.le(expected.map(\.bitPattern)))
        }
        XCTAssertTrue(expected.contains { $0 < 0 }, "without an activation some outputs are negative")
    }

    private func assertRefused(_ code: RuntimeError.Code, _ text: String, _ spec: Spec = Spec(),
                               edit: (inout [Tensor], inout [Int], inout ScalarOptions) -> Void = { _, _, _ in },
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Interpreter(model: model(spec, edit: edit)), file: file, line: line) { error in
            let e = error as? RuntimeError
            XCTAssertEqual(e?.code, code, "\(error)", file: file, line: line)
            XCTAssertTrue(e?.message.contains(text) ?? false, "\(error)", file: file, line: line)
            XCTAssertTrue(e?.message.contains("SVDF") ?? false, "\(error)", file: file, line: line)
        }
    }

    func testMalformedShapesAndOptionsAreRefused() {
        assertRefused(.invalidModel, "rank 4 must be positive and divide the 6 filters") { _, _, o in o.set(0, Self.le([Int32(4)])) }
        assertRefused(.invalidModel, "rank 0 must be positive") { _, _, o in o.set(0, Self.le([Int32(0)])) }
        assertRefused(.invalidModel, "rank -2 must be positive") { _, _, o in o.set(0, Self.le([Int32(-2)])) }
        assertRefused(.invalidModel, "input must be 2-D") { t, _, _ in t[0].shape = [2, 5, 1] }
        assertRefused(.invalidModel, "weights_feature [6, 4] must be [filters, 5]") { t, _, _ in t[1].shape = [6, 4] }
        assertRefused(.invalidModel, "weights_time [5, 4] must be [6, memory]") { t, _, _ in t[2].shape = [5, 4] }
        assertRefused(.invalidModel, "bias [4] must be [3]") { t, _, _ in t[3].shape = [4] }
        assertRefused(.invalidModel, "unknown fused activation 9") { _, _, o in o.set(1, [9]) }
        assertRefused(.invalidModel, "expects 5 inputs") { _, i, _ in i.removeLast() }
        assertRefused(.invalidModel, "the output is a constant tensor") { t, _, _ in t[5].buffer = 1 }
    }

    func testTheStateTensorIsRequired() {
        assertRefused(.invalidModel, "the activation state (input 4) is missing") { _, i, _ in i[4] = -1 }
        assertRefused(.invalidModel, "must be a variable tensor") { t, _, _ in t[4].isVariable = false }
        assertRefused(.invalidModel, "the activation state [2, 20] must be [2, 4 × 6]") { t, _, _ in t[4].shape = [2, 20] }
        assertRefused(.invalidModel, "the activation state [1, 24] must be [2, 4 × 6]") { t, _, _ in t[4].shape = [1, 24] }
    }

    func testTypesAndTheInt8ActivationAreChecked() {
        assertRefused(.unsupportedOperator, "int16 weights_time and state") { t, _, _ in t[2].type = .int8 }
        assertRefused(.unsupportedOperator, "int16 weights_time and state") { t, _, _ in t[4].type = .int8 }
        assertRefused(.unsupportedOperator, "int32 bias") { t, _, _ in t[3].type = .int16 }
        assertRefused(.invalidModel, "has no quantisation parameters") { t, _, _ in t[4].quantization = nil }
        var none = Spec()
        none.activation = .none
        assertRefused(.unsupportedOperator, "fused activation RELU only", none)
        var float = Spec()
        float.integer = false
        assertRefused(.unsupportedOperator, "a hybrid SVDF (float32 input, int8 weights_feature) needs int8 weights_time", float) { t, _, _ in
            t[1].type = .int8
        }
        assertRefused(.unsupportedOperator, "int16 weights_feature with float32 input is not supported", float) { t, _, _ in t[1].type = .int16 }
        assertRefused(.unsupportedOperator, "float32 weights, bias, state and output", float) { t, _, _ in t[4].type = .int16 }
        assertRefused(.unsupportedOperator, "int32 input is not supported") { t, _, _ in t[0].type = .int32 }
    }
}
