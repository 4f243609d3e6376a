import TestSupport
import TFLite
import XCTest

final class ModelWriterTests: XCTestCase {
    func testRoundTripPreservesEveryFixtureModel() throws {
        for name in Fixtures.conformanceModels {
            let original = try Model(bytes: Fixtures.bytes("\(name)/model.tflite"))
            let written = original.serialized()
            XCTAssertEqual(Array(written[4..<8]), Array("TFL3".utf8), name)
            let reread = try Model(bytes: written)
            XCTAssertEqual(reread.subgraphs.count, original.subgraphs.count, name)
            let a = original.mainGraph, b = reread.mainGraph
            XCTAssertEqual(a.inputs, b.inputs, name)
            XCTAssertEqual(a.outputs, b.outputs, name)
            XCTAssertEqual(a.tensors.count, b.tensors.count, name)
            for (t, u) in zip(a.tensors, b.tensors) {
                XCTAssertEqual(t.name, u.name)
                XCTAssertEqual(t.shape, u.shape)
                XCTAssertEqual(t.type, u.type)
                XCTAssertEqual(t.quantization, u.quantization)
                XCTAssertEqual(original.data(of: t), reread.data(of: u), "\(name) \(t.name)")
            }
            XCTAssertEqual(a.operators.map(\.name), b.operators.map(\.name), name)
            for (o, p) in zip(a.operators, b.operators) {
                XCTAssertEqual(o.inputs, p.inputs)
                XCTAssertEqual(o.outputs, p.outputs)
                XCTAssertEqual(o.builtinOptionsType, p.builtinOptionsType)
                XCTAssertEqual(o.intermediates, p.intermediates)
                XCTAssertEqual("\(o.options)", "\(p.options)")
            }
        }
    }

    func testBuffersAreSixteenByteAligned() throws {
        let model = try Model(bytes: Fixtures.bytes("kws_ref_model/model.tflite"))
        let reread = try Model(bytes: model.serialized())
        for buffer in reread.buffers where !buffer.isEmpty {
            XCTAssertEqual(buffer.range.lowerBound % 16, 0)
        }
    }

    func testBuildsAModelFromParts() throws {
        let q = Quantization(scales: [0.5], zeroPoints: [0])
        let graph = Subgraph(
            name: "main",
            tensors: [
                Tensor(name: "in", shape: [1, 4], type: .int8, buffer: 0, quantization: q),
                Tensor(name: "out", shape: [1, 4], type: .int8, buffer: 0, quantization: q),
            ],
            inputs: [0], outputs: [1],
            operators: [Operator(opcode: .reshape, inputs: [0], outputs: [1])])
        let model = try Model(description: "test", subgraphs: [graph], buffers: [[]])
        XCTAssertEqual(model.description, "test")
        XCTAssertEqual(model.operatorNames, ["RESHAPE"])
        XCTAssertEqual(model.mainGraph.tensors[1].quantization, q)
    }
}
