import TestSupport
import TFLite
import XCTest

final class ModelReaderTests: XCTestCase {
    func testReadsEveryFixtureModel() throws {
        XCTAssertEqual(Fixtures.conformanceModels.count, 54)
        for name in Fixtures.conformanceModels {
            let model = try Model(bytes: Fixtures.bytes("\(name)/model.tflite"))
            let graph = model.mainGraph
            XCTAssertFalse(graph.operators.isEmpty, name)
            XCTAssertFalse(graph.inputs.isEmpty, name)
            for op in graph.operators {
                for i in op.inputs + op.outputs where i >= 0 { XCTAssertLessThan(i, graph.tensors.count, name) }
            }
        }
    }

    func testKeywordSpottingStructure() throws {
        let model = try Model(bytes: Fixtures.bytes("kws_ref_model/model.tflite"))
        XCTAssertEqual(model.operatorNames, ["CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"])
        let input = model.mainGraph.tensors[model.mainGraph.inputs[0]]
        XCTAssertEqual(input.type, .int8)
        XCTAssertEqual(input.shape, [1, 49, 10, 1])
        XCTAssertNotNil(input.quantization)
        guard case .conv2D(let conv) = model.mainGraph.operators[0].options else { return XCTFail("first op is not a convolution") }
        XCTAssertEqual(conv.strideHeight, 2)
        XCTAssertEqual(conv.activation, .relu)
    }

    func testPerChannelQuantisation() throws {
        let model = try Model(bytes: Fixtures.bytes("vww_96_int8/model.tflite"))
        let conv = model.mainGraph.operators.first { $0.opcode == .conv2D }!
        let filter = model.mainGraph.tensors[conv.inputs[1]]
        let q = try XCTUnwrap(filter.quantization)
        XCTAssertEqual(q.scales.count, filter.shape[0])
        XCTAssertEqual(q.quantizedDimension, 0)
        XCTAssertEqual(model.data(of: filter).count, filter.byteCount)
    }

    func testLegacyUInt8Model() throws {
        let model = try Model(bytes: Fixtures.bytes("mobilenet_v1_0.25_128_quant/model.tflite"))
        let input = model.mainGraph.tensors[model.mainGraph.inputs[0]]
        XCTAssertEqual(input.type, .uint8)
        let conv = model.mainGraph.operators.first { $0.opcode == .conv2D }!
        XCTAssertNotEqual(model.mainGraph.tensors[conv.inputs[1]].quantization?.zeroPoint, 0)
    }

    func testOptionsUnionTagsMatchTheSchema() throws {
        // The writer derives union tags from options; they must agree with what TFLite's converter wrote.
        for name in Fixtures.conformanceModels {
            let model = try Model(bytes: Fixtures.bytes("\(name)/model.tflite"))
            for op in model.mainGraph.operators where op.builtinOptionsType != 0 {
                if case .none = op.options { continue }
                XCTAssertEqual(Model.builtinOptionsType(op.options, opcode: op.opcode), op.builtinOptionsType, "\(name) \(op.name)")
            }
        }
    }

    func testRejectsShortFile() {
        XCTAssertThrowsError(try Model(bytes: [1, 2, 3])) { error in
            XCTAssertEqual((error as? ModelFormatError)?.code, .truncated)
        }
    }

    func testRejectsWrongIdentifier() throws {
        var bytes = try Fixtures.bytes("ad01_int8/model.tflite")
        bytes[4] = UInt8(ascii: "X")
        XCTAssertThrowsError(try Model(bytes: bytes)) { error in
            XCTAssertEqual((error as? ModelFormatError)?.code, .badIdentifier)
        }
    }

    func testRejectsRootOffsetPastTheEnd() throws {
        var bytes = try Fixtures.bytes("ad01_int8/model.tflite")
        bytes[0] = 0xFF; bytes[1] = 0xFF; bytes[2] = 0xFF; bytes[3] = 0x7F
        XCTAssertThrowsError(try Model(bytes: bytes)) { error in
            XCTAssertEqual((error as? ModelFormatError)?.code, .truncated)
            XCTAssertTrue("\(error)".contains("past the end"), "\(error)")
        }
    }

    func testEveryTruncationIsATypedError() throws {
        let bytes = try Fixtures.bytes("kws_ref_model/model.tflite")
        // Every prefix shorter than the file: never a crash, always a ModelFormatError (weights may be cut
        // without breaking the structure only if the buffers come last, which the reader must detect too).
        var step = 1
        var length = 0
        while length < bytes.count {
            do {
                _ = try Model(bytes: Array(bytes[0..<length]))
                XCTFail("a \(length)-byte prefix of a \(bytes.count)-byte model was accepted")
            } catch {}
            length += step
            if length > 4096 { step = 97 }
        }
    }
}
