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
            // Every subgraph, not only the main one: IF, WHILE and CALL_ONCE run the others.
            for (a, b) in zip(original.subgraphs, reread.subgraphs) {
            XCTAssertEqual(a.name, b.name, name)
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
    }

    /// The converter's control-flow and variable models keep their subgraphs, the subgraph indices of IF, WHILE and
    /// CALL_ONCE and VAR_HANDLE's names through a write and a read.
    func testControlFlowModelsRoundTripEverySubgraph() throws {
        let variables = try Model(bytes: Model(bytes: Fixtures.bytes("ops_variables_float/model.tflite")).serialized())
        XCTAssertEqual(variables.subgraphs.count, 2)
        XCTAssertEqual(variables.mainGraph.operators.map(\.name),
                       ["CALL_ONCE", "VAR_HANDLE", "READ_VARIABLE", "MUL", "ADD", "ASSIGN_VARIABLE", "READ_VARIABLE", "MUL", "SUB"])
        guard case .scalars(let callOnce) = variables.mainGraph.operators[0].options else { return XCTFail("CALL_ONCE options") }
        XCTAssertEqual(callOnce.int(0), 1)
        guard case .varHandle(let handle) = variables.subgraphs[1].operators[0].options else { return XCTFail("VAR_HANDLE options") }
        XCTAssertEqual(handle, VarHandleOptions(container: "", sharedName: "Variable"))
        XCTAssertEqual(variables.subgraphs[1].operators.map(\.name), ["VAR_HANDLE", "ASSIGN_VARIABLE"])

        let loop = try Model(bytes: Model(bytes: Fixtures.bytes("ops_while_float/model.tflite")).serialized())
        XCTAssertEqual(loop.subgraphs.count, 3)
        let whileOp = try XCTUnwrap(loop.mainGraph.operators.first { $0.opcode == .while })
        guard case .scalars(let indices) = whileOp.options else { return XCTFail("WHILE options") }
        XCTAssertEqual([indices.int(0), indices.int(1)], [1, 2])
        XCTAssertEqual(whileOp.builtinOptionsType, 93)

        // A model built in code: VarHandleOptions written from nothing read back the same.
        let graph = Subgraph(name: "main", tensors: [Tensor(name: "h", shape: [], type: .resource, buffer: 0, quantization: nil)], inputs: [], outputs: [0],
                             operators: [Operator(opcode: .varHandle, inputs: [], outputs: [0],
                                                  options: .varHandle(VarHandleOptions(container: "c", sharedName: "s")))])
        let built = try Model(subgraphs: [graph], buffers: [[]])
        guard case .varHandle(let o) = built.mainGraph.operators[0].options else { return XCTFail("\(built.mainGraph.operators[0].options)") }
        XCTAssertEqual(o, VarHandleOptions(container: "c", sharedName: "s"))
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
