import Runtime
import TFLite
import XCTest

/// The added operators refuse hostile shapes and constants at prepare with a typed error naming the operator, and
/// run correctly on small hand-built models.
final class OperatorValidationTests: XCTestCase {
    private static func le<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { v in (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: v.littleEndian >> (8 * $0)) } }
    }

    /// One operator on a float32 input `shape`, with int32 constants as its further inputs.
    private func model(_ op: BuiltinOperator, input shape: [Int], type: TensorType = .float32, constants: [[Int32]],
                       outputs: Int = 1, options: BuiltinOptions = .none) throws -> Model {
        var tensors = [Tensor(name: "in", shape: shape, type: type, buffer: 0, quantization: nil)]
        var buffers: [[UInt8]] = [[]]
        for (k, c) in constants.enumerated() {
            buffers.append(Self.le(c))
            tensors.append(Tensor(name: "c\(k)", shape: [c.count], type: .int32, buffer: buffers.count - 1, quantization: nil))
        }
        let outputIndices = (0..<outputs).map { tensors.count + $0 }
        for k in 0..<outputs { tensors.append(Tensor(name: "out\(k)", shape: [1], type: type, buffer: 0, quantization: nil)) }
        let inputs = op == .split ? [1, 0] : Array(0..<(1 + constants.count))
        let graph = Subgraph(name: "main", tensors: tensors, inputs: [0], outputs: outputIndices,
                             operators: [Operator(opcode: op, inputs: inputs, outputs: outputIndices, options: options)])
        return try Model(subgraphs: [graph], buffers: buffers)
    }

    private func assertRefused(_ model: Model, _ words: String, code: RuntimeError.Code = .invalidModel, line: UInt = #line) {
        XCTAssertThrowsError(try Interpreter(model: model), line: line) { error in
            let e = error as? RuntimeError
            XCTAssertEqual(e?.code, code, "\(error)", line: line)
            XCTAssertTrue(e?.message.contains(words) ?? false, "\(error)", line: line)
        }
    }

    private func floats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count, by: 4).map {
            Float(bitPattern: UInt32(bytes[$0]) | UInt32(bytes[$0 + 1]) << 8 | UInt32(bytes[$0 + 2]) << 16 | UInt32(bytes[$0 + 3]) << 24)
        }
    }

    func testHostileConstantsAreRefusedAtPrepare() throws {
        assertRefused(try model(.stridedSlice, input: [2, 3], constants: [[0, 0], [2, 3], [1, 0]]), "stride of dimension 1 is 0")
        assertRefused(try model(.transpose, input: [2, 3], constants: [[0, 0]]), "does not permute")
        assertRefused(try model(.tile, input: [2, 3], constants: [[1, -2]]), "out of range")
        assertRefused(try model(.tile, input: [2, 3], constants: [[1 << 20, 1 << 20]]), "impossible shape")
        assertRefused(try model(.slice, input: [2, 3], constants: [[1, 1], [2, 1]]), "does not fit dimension 0")
        assertRefused(try model(.broadcastTo, input: [2, 3], constants: [[4, 3]]), "cannot broadcast")
        assertRefused(try model(.split, input: [2, 3], constants: [[1]], outputs: 2,
                                options: .scalars(ScalarOptions(fields: [0: [2, 0, 0, 0]]))), "does not split into 2")
        assertRefused(try model(.mirrorPad, input: [2, 3], constants: [[0, 0, 3, 0]]), "too large")
        assertRefused(try model(.expandDims, input: [2, 3], constants: [[7]]), "axis 7 is out of range")
        assertRefused(try model(.gatherND, input: [2, 3], constants: [[0, 1, 2]]), "do not address")
        assertRefused(try model(.depthToSpace, input: [1, 2, 2, 3], constants: [],
                                options: .scalars(ScalarOptions(fields: [0: [2, 0, 0, 0]]))), "not a multiple")
        assertRefused(try model(.sqrt, input: [2, 3], type: .int32, constants: []), "float32 only", code: .unsupportedOperator)
    }

    func testStridedSliceReversesAndShrinks() throws {
        // x[1, ::-1] of a [2, 3] input.
        let m = try model(.stridedSlice, input: [2, 3], constants: [[1, -1], [2, -4], [1, -1]],
                          options: .scalars(ScalarOptions(fields: [4: [1, 0, 0, 0]])))
        let interpreter = try Interpreter(model: m)
        try interpreter.setInput(0, Self.le([Float](arrayLiteral: 0, 1, 2, 3, 4, 5).map(\.bitPattern)))
        interpreter.invoke()
        XCTAssertEqual(interpreter.outputs[0].shape, [3])
        XCTAssertEqual(floats(interpreter.outputBytes(0)), [5, 4, 3])
    }

    func testGatherWithRunTimeIndicesZeroesOutOfRangeOnes() throws {
        let tensors = [
            Tensor(name: "params", shape: [3, 2], type: .float32, buffer: 0, quantization: nil),
            Tensor(name: "indices", shape: [3], type: .int32, buffer: 0, quantization: nil),
            Tensor(name: "out", shape: [3, 2], type: .float32, buffer: 0, quantization: nil),
        ]
        let graph = Subgraph(name: "main", tensors: tensors, inputs: [0, 1], outputs: [2],
                             operators: [Operator(opcode: .gather, inputs: [0, 1], outputs: [2])])
        let interpreter = try Interpreter(model: Model(subgraphs: [graph], buffers: [[]]))
        try interpreter.setInput(0, Self.le([Float](arrayLiteral: 0, 1, 2, 3, 4, 5).map(\.bitPattern)))
        try interpreter.setInput(1, Self.le([Int32](arrayLiteral: 2, 99, -1)))
        interpreter.invoke()
        XCTAssertEqual(floats(interpreter.outputBytes(0)), [4, 5, 0, 0, 0, 0])
    }

    /// Operators no fixture covers (LiteRT 2.3's reference resolver lacks CEIL; the converter folds the others).
    func testCeilShapeFillZerosLikeAndLogicalNot() throws {
        let ceil = try Interpreter(model: model(.ceil, input: [3], constants: []))
        try ceil.setInput(0, Self.le([Float](arrayLiteral: 1.5, -1.5, 2).map(\.bitPattern)))
        ceil.invoke()
        XCTAssertEqual(floats(ceil.outputBytes(0)), [2, -1, 2])

        let tensors = [
            Tensor(name: "x", shape: [2, 3], type: .float32, buffer: 0, quantization: nil),
            Tensor(name: "dims", shape: [2], type: .int32, buffer: 1, quantization: nil),
            Tensor(name: "value", shape: [], type: .float32, buffer: 2, quantization: nil),
            Tensor(name: "shape", shape: [1], type: .int32, buffer: 0, quantization: nil),
            Tensor(name: "filled", shape: [1], type: .float32, buffer: 0, quantization: nil),
            Tensor(name: "zeros", shape: [1], type: .float32, buffer: 0, quantization: nil),
            Tensor(name: "flags", shape: [4], type: .bool, buffer: 0, quantization: nil),
            Tensor(name: "negated", shape: [1], type: .bool, buffer: 0, quantization: nil),
        ]
        let graph = Subgraph(name: "main", tensors: tensors, inputs: [0, 6], outputs: [3, 4, 5, 7], operators: [
            Operator(opcode: .shape, inputs: [0], outputs: [3]),
            Operator(opcode: .fill, inputs: [1, 2], outputs: [4]),
            Operator(opcode: .zerosLike, inputs: [0], outputs: [5]),
            Operator(opcode: .logicalNot, inputs: [6], outputs: [7]),
        ])
        let interpreter = try Interpreter(model: Model(subgraphs: [graph], buffers: [[], Self.le([Int32](arrayLiteral: 1, 2)),
                                                                                      Self.le([Float(7)].map(\.bitPattern))]))
        try interpreter.setInput(0, [UInt8](repeating: 0x3F, count: 24))
        try interpreter.setInput(1, [0, 1, 2, 0])
        interpreter.invoke()
        XCTAssertEqual(interpreter.outputBytes(0), Self.le([Int32](arrayLiteral: 2, 3)))
        XCTAssertEqual(floats(interpreter.outputBytes(1)), [7, 7])
        XCTAssertEqual(floats(interpreter.outputBytes(2)), [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(interpreter.outputBytes(3), [1, 0, 0, 1])
    }
}
