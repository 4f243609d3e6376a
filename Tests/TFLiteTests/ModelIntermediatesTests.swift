import TestSupport
import TFLite
import XCTest

/// The operator's `intermediates` (schema field 8): read, written back, and checked like the other tensor indices.
final class ModelIntermediatesTests: XCTestCase {
    func testReadsTheIntegerLSTMsIntermediates() throws {
        let model = try Model(bytes: Fixtures.bytes("lstm_int8/model.tflite"))
        let lstm = try XCTUnwrap(model.mainGraph.operators.first { $0.opcode == .unidirectionalSequenceLstm })
        XCTAssertEqual(lstm.intermediates.count, 5)
        let hidden = model.mainGraph.tensors[lstm.intermediates[4]]
        XCTAssertEqual(hidden.name, "effective_hidden_scale_intermediate")
        XCTAssertEqual(hidden.type, .int8)
        XCTAssertEqual(hidden.quantization?.zeroPoint, 10)
        // Operators without the field read as an empty list.
        XCTAssertTrue(model.mainGraph.operators.filter { $0.opcode != .unidirectionalSequenceLstm }.allSatisfy { $0.intermediates.isEmpty })
    }

    func testWriterKeepsIntermediates() throws {
        let original = try Model(bytes: Fixtures.bytes("lstm_int8/model.tflite"))
        let reread = try Model(bytes: original.serialized())
        XCTAssertEqual(reread.mainGraph.operators.map(\.intermediates), original.mainGraph.operators.map(\.intermediates))
    }

    private func graph(intermediates: [Int]) -> Subgraph {
        let q = Quantization(scales: [0.5], zeroPoints: [0])
        return Subgraph(
            name: "main",
            tensors: [Tensor(name: "in", shape: [1, 4], type: .int8, buffer: 0, quantization: q),
                      Tensor(name: "out", shape: [1, 4], type: .int8, buffer: 0, quantization: q)],
            inputs: [0], outputs: [1],
            operators: [Operator(opcode: .reshape, inputs: [0], outputs: [1], intermediates: intermediates)])
    }

    func testRejectsAnIntermediateOutsideTheTensorList() {
        for bad in [2, 1000, -1] {
            XCTAssertThrowsError(try Model(subgraphs: [graph(intermediates: [0, bad])], buffers: [[]]), "\(bad)") { error in
                guard let e = error as? ModelFormatError else { return XCTFail("\(error)") }
                XCTAssertTrue(e.message.contains("intermediate"), e.message)
            }
        }
        XCTAssertNoThrow(try Model(subgraphs: [graph(intermediates: [1, 0])], buffers: [[]]))
    }

    /// A count that claims more elements than the file holds is a typed error, not a read past the end.
    func testRejectsAnIntermediatesVectorRunningPastTheFile() throws {
        let bytes = try Model(subgraphs: [graph(intermediates: [0, 1, 1])], buffers: [[]]).serialized()
        // The vector is [3, 0, 1, 1] as little-endian int32s; find it and inflate its count.
        let needle: [UInt8] = [3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]
        let at = try XCTUnwrap((0...(bytes.count - needle.count)).first { Array(bytes[$0..<$0 + needle.count]) == needle })
        for count: UInt32 in [0x4000_0000, 0xFFFF_FFFF] {
            var patched = bytes
            withUnsafeBytes(of: count.littleEndian) { patched.replaceSubrange(at..<at + 4, with: $0) }
            XCTAssertThrowsError(try Model(bytes: patched), "count \(count)") { XCTAssertTrue($0 is ModelFormatError) }
        }
    }
}
