import Runtime
import TestSupport
import TFLite
import XCTest

final class InterpreterErrorTests: XCTestCase {
    private func singleOpModel(_ op: BuiltinOperator, options: BuiltinOptions = .none) throws -> Model {
        let q = Quantization(scales: [0.1], zeroPoints: [0])
        let graph = Subgraph(
            name: "main",
            tensors: [
                Tensor(name: "in", shape: [1, 2, 2, 4], type: .int8, buffer: 0, quantization: q),
                Tensor(name: "out", shape: [1, 2, 2, 4], type: .int8, buffer: 0, quantization: q),
            ],
            inputs: [0], outputs: [1],
            operators: [Operator(opcode: op, inputs: [0], outputs: [1], options: options)])
        return try Model(subgraphs: [graph], buffers: [[]])
    }

    func testUnsupportedOperatorIsNamed() throws {
        let model = try singleOpModel(.localResponseNormalization)
        XCTAssertEqual(OperatorSupport.unsupportedOperators(in: model), ["LOCAL_RESPONSE_NORMALIZATION"])
        XCTAssertThrowsError(try Interpreter(model: model)) { error in
            let e = error as? RuntimeError
            XCTAssertEqual(e?.code, .unsupportedOperator)
            XCTAssertTrue(e?.message.contains("LOCAL_RESPONSE_NORMALIZATION") ?? false, "\(error)")
        }
    }

    func testWrongInputSizeIsRejected() throws {
        let interpreter = try Interpreter(model: Model(bytes: Fixtures.bytes("kws_ref_model/model.tflite")))
        XCTAssertThrowsError(try interpreter.setInput(0, [1, 2, 3])) { error in
            let e = error as? RuntimeError
            XCTAssertEqual(e?.code, .invalidInput)
            XCTAssertTrue(e?.message.contains("needs 490 bytes, got 3") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try interpreter.setInput(5, [])) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, .invalidInput)
        }
    }

    func testInconsistentShapesAreRejected() throws {
        var model = try Model(bytes: Fixtures.bytes("kws_ref_model/model.tflite"))
        var graph = model.mainGraph
        graph.tensors[graph.inputs[0]].shape[3] = 3
        model = try Model(subgraphs: [graph], buffers: model.buffers.map { Array(model.bytes[$0.range]) })
        XCTAssertThrowsError(try Interpreter(model: model)) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, .invalidModel, "\(error)")
        }
    }

    func testFloatConvolutionIsUnsupportedNotACrash() throws {
        var model = try Model(bytes: Fixtures.bytes("kws_ref_model/model.tflite"))
        var graph = model.mainGraph
        graph.tensors[graph.inputs[0]].type = .float32
        model = try Model(subgraphs: [graph], buffers: model.buffers.map { Array(model.bytes[$0.range]) })
        XCTAssertThrowsError(try Interpreter(model: model)) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, .unsupportedOperator, "\(error)")
        }
    }
}
