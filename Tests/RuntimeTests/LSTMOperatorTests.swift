import Foundation
import Runtime
import TestSupport
import TFLite
import XCTest

/// UNIDIRECTIONAL_SEQUENCE_LSTM beyond the conformance fixtures: what prepare refuses, and that every invoke starts
/// from the reset state.
final class LSTMOperatorTests: XCTestCase {
    private func lstmModel(_ name: String, _ edit: (inout Subgraph, Int) -> Void) throws -> Model {
        let original = try Model(bytes: Fixtures.bytes("\(name)/model.tflite"))
        var graph = original.mainGraph
        let index = try XCTUnwrap(graph.operators.firstIndex { $0.opcode == .unidirectionalSequenceLstm })
        edit(&graph, index)
        return try Model(subgraphs: [graph], buffers: original.buffers.map { Array(original.bytes[$0.range]) })
    }

    private func assertRefused(_ model: Model, _ code: RuntimeError.Code, containing text: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Interpreter(model: model), file: file, line: line) { error in
            guard let e = error as? RuntimeError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(e.code, code, e.message, file: file, line: line)
            XCTAssertTrue(e.message.contains(text), e.message, file: file, line: line)
        }
    }

    func testIntegerLSTMNeedsItsFiveIntermediates() throws {
        assertRefused(try lstmModel("lstm_int8") { g, i in g.operators[i].intermediates = [] }, .invalidModel, containing: "5 intermediate")
        assertRefused(try lstmModel("lstm_int8") { g, i in g.operators[i].intermediates.removeLast() }, .invalidModel, containing: "5 intermediate")
        // The fifth carries the hidden state's quantisation: without it there is nothing to rescale to.
        assertRefused(try lstmModel("lstm_int8") { g, i in g.tensors[g.operators[i].intermediates[4]].quantization = nil },
                      .invalidModel, containing: "quantisation")
    }

    func testIntegerLSTMRefusesWhatItDoesNotImplement() throws {
        // CIFG (no input gate).
        assertRefused(try lstmModel("lstm_int8") { g, i in g.operators[i].inputs[1] = -1 }, .unsupportedOperator, containing: "CIFG")
        // Peephole weights.
        assertRefused(try lstmModel("lstm_int8") { g, i in g.operators[i].inputs[9] = g.operators[i].inputs[12] },
                      .unsupportedOperator, containing: "peephole")
        // A cell state whose scale is not a power of two.
        assertRefused(try lstmModel("lstm_int8") { g, i in g.tensors[g.operators[i].inputs[19]].quantization?.scales = [0.0001] },
                      .unsupportedOperator, containing: "power of two")
        // Per-channel weights.
        assertRefused(try lstmModel("lstm_int8") { g, i in
            let w = g.operators[i].inputs[1]
            g.tensors[w].quantization = Quantization(scales: Array(repeating: 0.003, count: 8), zeroPoints: Array(repeating: 0, count: 8))
        }, .unsupportedOperator, containing: "per channel")
    }

    /// A time-major float LSTM keeps every batch's gates in scratch; a sequence of no steps bounds batches × cells by
    /// no tensor, so prepare bounds the scratch itself.
    func testTimeMajorBatchesAtOnceAreBoundedByTheArena() throws {
        assertRefused(try lstmModel("lstm_float_time_major") { g, i in g.tensors[g.operators[i].inputs[0]].shape = [0, 1 << 30, 5] },
                      .invalidModel, containing: "more scratch than the arena may hold")
    }

    /// The state resets at every invoke: running case 1, then case 0, gives case 0's reference.
    func testEveryInvokeStartsFromTheResetState() throws {
        for name in ["lstm_int8", "lstm_float"] {
            let interpreter = try Interpreter(model: Model(bytes: Fixtures.bytes("\(name)/model.tflite")))
            try interpreter.setInput(0, Fixtures.bytes("\(name)/case-1.in-0.bin"))
            interpreter.invoke()
            try interpreter.setInput(0, Fixtures.bytes("\(name)/case-0.in-0.bin"))
            interpreter.invoke()
            XCTAssertEqual(interpreter.outputBytes(0), try Fixtures.bytes("\(name)/case-0.ref-0.bin"), name)
        }
    }

    /// Other shapes than the Keras fixtures' (Tests/Fixtures/lstm-shapes, made by scripts/make-lstm-shapes.sh from
    /// LiteRT 2.3.0's reference): odd cell and input counts (Eigen's GEMV tails and sigmoid packet split), several
    /// batches, time-major layouts, int8 and float32; byte for byte.
    func testOtherShapesMatchLiteRTByteForByte() throws {
        let root = Fixtures.root.appendingPathComponent("Tests/Fixtures/lstm-shapes")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted()
        XCTAssertEqual(names.count, 7)
        for name in names {
            let folder = root.appendingPathComponent(name)
            let interpreter = try Interpreter(model: Model(bytes: [UInt8](Data(contentsOf: folder.appendingPathComponent("model.tflite")))))
            for k in 0..<3 {
                try interpreter.setInput(0, [UInt8](Data(contentsOf: folder.appendingPathComponent("case-\(k).in-0.bin"))))
                interpreter.invoke()
                let expected = [UInt8](try Data(contentsOf: folder.appendingPathComponent("case-\(k).ref-0.bin")))
                XCTAssertEqual(interpreter.outputBytes(0), expected, "\(name) case \(k)")
            }
        }
    }
}
