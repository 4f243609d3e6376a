import CAllocationCounter
import Runtime
import TestSupport
import TFLite
import XCTest

/// IF, WHILE and CALL_ONCE (subgraphs run by operators) and resource variables, on models built with the
/// flatbuffer writer: state across invokes, the errors prepare gives for malformed control flow, and zero
/// allocations per invoke.
final class ControlFlowTests: XCTestCase {
    private func f32(_ values: [Float]) -> [UInt8] { values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }
    private func floats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
    }
    private func scalars(_ fields: [Int: Int32]) -> BuiltinOptions {
        .scalars(ScalarOptions(fields: fields.mapValues { v in withUnsafeBytes(of: v.littleEndian, Array.init) }))
    }
    private func expectError(_ model: Model, _ code: RuntimeError.Code, _ fragments: String..., file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Interpreter(model: model), file: file, line: line) { error in
            guard let e = error as? RuntimeError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(e.code, code, "\(e)", file: file, line: line)
            for f in fragments { XCTAssertTrue(e.message.contains(f), "\(e.message) lacks \(f)", file: file, line: line) }
        }
    }

    /// A model whose variable counts its invokes: the init subgraph (CALL_ONCE) assigns 0, the main graph reads,
    /// adds 1, assigns and returns the new value (plus its float input, so the model has an input).
    private func counterModel() throws -> Model {
        let main = Subgraph(
            name: "main",
            tensors: [
                Tensor(name: "x", shape: [1], type: .float32, buffer: 0, quantization: nil),
                Tensor(name: "handle", shape: [], type: .resource, buffer: 0, quantization: nil),
                Tensor(name: "count", shape: [1], type: .float32, buffer: 0, quantization: nil),
                Tensor(name: "one", shape: [1], type: .float32, buffer: 1, quantization: nil),
                Tensor(name: "next", shape: [1], type: .float32, buffer: 0, quantization: nil),
                Tensor(name: "out", shape: [1], type: .float32, buffer: 0, quantization: nil),
            ],
            inputs: [0], outputs: [5],
            operators: [
                Operator(opcode: .callOnce, inputs: [], outputs: [], options: scalars([0: 1])),
                Operator(opcode: .varHandle, inputs: [], outputs: [1], options: .varHandle(VarHandleOptions(sharedName: "counter"))),
                Operator(opcode: .readVariable, inputs: [1], outputs: [2]),
                Operator(opcode: .add, inputs: [2, 3], outputs: [4], options: .arithmetic(ArithmeticOptions())),
                Operator(opcode: .assignVariable, inputs: [1, 4], outputs: []),
                Operator(opcode: .add, inputs: [4, 0], outputs: [5], options: .arithmetic(ArithmeticOptions())),
            ])
        let initGraph = Subgraph(
            name: "init",
            tensors: [
                Tensor(name: "handle", shape: [], type: .resource, buffer: 0, quantization: nil),
                Tensor(name: "zero", shape: [1], type: .float32, buffer: 2, quantization: nil),
            ],
            inputs: [], outputs: [],
            operators: [
                Operator(opcode: .varHandle, inputs: [], outputs: [0], options: .varHandle(VarHandleOptions(sharedName: "counter"))),
                Operator(opcode: .assignVariable, inputs: [0, 1], outputs: []),
            ])
        return try Model(subgraphs: [main, initGraph], buffers: [[], f32([1]), f32([0])])
    }

    func testAVariableKeepsItsValueAcrossInvokesAndResetsWithTheState() throws {
        let interpreter = try Interpreter(model: counterModel())
        XCTAssertGreaterThanOrEqual(interpreter.variableBytes, 4)
        try interpreter.setInput(0, f32([0]))
        var seen: [Float] = []
        for _ in 0..<3 {
            try interpreter.checkedInvoke()
            seen += floats(interpreter.outputBytes(0))
        }
        XCTAssertEqual(seen, [1, 2, 3])
        // resetState() is a fresh interpreter: variables forgotten, CALL_ONCE runs its init subgraph again.
        interpreter.resetState()
        try interpreter.checkedInvoke()
        XCTAssertEqual(floats(interpreter.outputBytes(0)), [1])
        // A new interpreter of the same model starts from scratch too.
        let other = try Interpreter(model: counterModel())
        try other.setInput(0, f32([10]))
        try other.checkedInvoke()
        XCTAssertEqual(floats(other.outputBytes(0)), [11])
    }

    func testReadingAVariableBeforeItsAssignmentIsReportedNotGarbage() throws {
        // The counter without its CALL_ONCE: the first read finds no value.
        let model = try counterModel()
        var main = model.subgraphs[0]
        main.operators.removeFirst()
        let noInit = try Model(subgraphs: [main, model.subgraphs[1]], buffers: model.buffers.map { Array(model.bytes[$0.range]) })
        let interpreter = try Interpreter(model: noInit)
        try interpreter.setInput(0, f32([0]))
        XCTAssertThrowsError(try interpreter.checkedInvoke()) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, .invalidInput)
            XCTAssertTrue("\(error)".contains("'counter' before any ASSIGN_VARIABLE"), "\(error)")
        }
        XCTAssertEqual(floats(interpreter.outputBytes(0)), [1], "the unassigned read gives zeros, then 0 + 1")
        // The run assigned it: the next invoke reads that value.
        try interpreter.checkedInvoke()
        XCTAssertEqual(floats(interpreter.outputBytes(0)), [2])
    }

    func testAVariableNothingAssignsIsRefusedAtPrepare() throws {
        let model = try counterModel()
        var main = model.subgraphs[0]
        main.operators = Array(main.operators[1...3]) + [Operator(opcode: .add, inputs: [4, 0], outputs: [5], options: .arithmetic(ArithmeticOptions()))]
        let bad = try Model(subgraphs: [main], buffers: model.buffers.map { Array(model.bytes[$0.range]) })
        expectError(bad, .invalidModel, "'counter'", "no ASSIGN_VARIABLE")
    }

    func testAnAssignmentOfAnotherShapeIsRefused() throws {
        let model = try counterModel()
        // The init subgraph makes the variable [2]; the main graph then assigns its [1] input to it.
        var initGraph = model.subgraphs[1]
        initGraph.tensors[1] = Tensor(name: "zeros", shape: [2], type: .float32, buffer: 2, quantization: nil)
        var buffers = model.buffers.map { Array(model.bytes[$0.range]) }
        buffers[2] = f32([0, 0])
        var main = model.subgraphs[0]
        main.operators[4].inputs = [1, 0]
        let bad = try Model(subgraphs: [main, initGraph], buffers: buffers)
        expectError(bad, .invalidModel, "ASSIGN_VARIABLE", "fixed at its first assignment")
    }

    /// IF on a bool input: then adds 1, else multiplies by 3.
    private func ifModel(thenIndex: Int32 = 1, elseIndex: Int32 = 2, condType: TensorType = .bool,
                         elseBody: Subgraph? = nil) throws -> Model {
        let main = Subgraph(
            name: "main",
            tensors: [
                Tensor(name: "cond", shape: [1], type: condType, buffer: 0, quantization: nil),
                Tensor(name: "x", shape: [1, 4], type: .float32, buffer: 0, quantization: nil),
                Tensor(name: "y", shape: [1, 4], type: .float32, buffer: 0, quantization: nil),
            ],
            inputs: [0, 1], outputs: [2],
            operators: [Operator(opcode: .if, inputs: [0, 1], outputs: [2], options: scalars([0: thenIndex, 1: elseIndex]))])
        func branch(_ name: String, _ op: BuiltinOperator, _ constant: Float) -> Subgraph {
            Subgraph(name: name,
                     tensors: [Tensor(name: "a", shape: [1, 4], type: .float32, buffer: 0, quantization: nil),
                               Tensor(name: "c", shape: [1], type: .float32, buffer: constant == 1 ? 1 : 2, quantization: nil),
                               Tensor(name: "b", shape: [1, 4], type: .float32, buffer: 0, quantization: nil)],
                     inputs: [0], outputs: [2],
                     operators: [Operator(opcode: op, inputs: [0, 1], outputs: [2], options: .arithmetic(ArithmeticOptions()))])
        }
        return try Model(subgraphs: [main, branch("then", .add, 1), elseBody ?? branch("else", .mul, 3)],
                         buffers: [[], f32([1]), f32([3])])
    }

    func testIfRunsTheBranchTheConditionPicks() throws {
        let interpreter = try Interpreter(model: ifModel())
        try interpreter.setInput(1, f32([1, 2, 3, 4]))
        try interpreter.setInput(0, [1])
        interpreter.invoke()
        XCTAssertEqual(floats(interpreter.outputBytes(0)), [2, 3, 4, 5])
        try interpreter.setInput(0, [0])
        interpreter.invoke()
        XCTAssertEqual(floats(interpreter.outputBytes(0)), [3, 6, 9, 12])
        // A numeric condition counts as true when nonzero, as in LiteRT.
        let numeric = try Interpreter(model: ifModel(condType: .int32))
        try numeric.setInput(1, f32([1, 2, 3, 4]))
        try numeric.setInput(0, [0, 1, 0, 0])
        numeric.invoke()
        XCTAssertEqual(floats(numeric.outputBytes(0)), [2, 3, 4, 5])
    }

    func testBadSubgraphIndicesAndRecursionAreRefused() throws {
        expectError(try ifModel(thenIndex: 7), .invalidModel, "IF", "then subgraph index 7")
        expectError(try ifModel(elseIndex: -1), .invalidModel, "else subgraph index -1")
        expectError(try ifModel(thenIndex: 0), .invalidModel, "calls itself")
        // The else branch calls itself through a nested IF.
        let recursive = Subgraph(
            name: "else",
            tensors: [Tensor(name: "c", shape: [1], type: .bool, buffer: 0, quantization: nil), Tensor(name: "a", shape: [1, 4], type: .float32, buffer: 0, quantization: nil),
                      Tensor(name: "b", shape: [1, 4], type: .float32, buffer: 0, quantization: nil)],
            inputs: [1], outputs: [2],
            operators: [Operator(opcode: .if, inputs: [0, 1], outputs: [2], options: scalars([0: 1, 1: 2]))])
        expectError(try ifModel(elseBody: recursive), .invalidModel, "calls itself", "0 → 2 → 2")
    }

    func testMismatchedInputCountsAndConditionTypesAreRefused() throws {
        let twoInputs = Subgraph(
            name: "else",
            tensors: [Tensor(name: "a", shape: [1, 4], type: .float32, buffer: 0, quantization: nil), Tensor(name: "b", shape: [1, 4], type: .float32, buffer: 0, quantization: nil)],
            inputs: [0, 1], outputs: [1], operators: [])
        expectError(try ifModel(elseBody: twoInputs), .invalidModel, "passes 1 inputs but its else subgraph 2 takes 2")
        expectError(try ifModel(condType: .string), .unsupportedOperator, "condition is string")
    }

    /// WHILE: loop values (counter int32, x float) — cond `counter < limit`, body `counter + 1, x * two` (`two`
    /// broadcast: a `twoShape` of [2, 1, 1] makes the body's x [2, 1, 4], a loop value that changes size).
    private func whileModel(twoShape: [Int] = [1], condOutputType: TensorType = .bool, limit: Int32 = 3) throws -> Model {
        let main = Subgraph(
            name: "main",
            tensors: [
                Tensor(name: "i0", shape: [1], type: .int32, buffer: 0, quantization: nil),
                Tensor(name: "x", shape: [1, 4], type: .float32, buffer: 0, quantization: nil),
                Tensor(name: "i", shape: [1], type: .int32, buffer: 0, quantization: nil),
                Tensor(name: "y", shape: [1, 4], type: .float32, buffer: 0, quantization: nil),
            ],
            inputs: [0, 1], outputs: [3, 2],
            operators: [Operator(opcode: .while, inputs: [0, 1], outputs: [2, 3], options: scalars([0: 1, 1: 2]))])
        let cond = Subgraph(
            name: "cond",
            tensors: [Tensor(name: "i", shape: [1], type: .int32, buffer: 0, quantization: nil), Tensor(name: "x", shape: [1, 4], type: .float32, buffer: 0, quantization: nil),
                      Tensor(name: "limit", shape: [1], type: .int32, buffer: 1, quantization: nil), Tensor(name: "go", shape: [1], type: .bool, buffer: 0, quantization: nil)],
            // A non-bool condition: the subgraph returns its int32 counter instead of the comparison.
            inputs: [0, 1], outputs: [condOutputType == .bool ? 3 : 0],
            operators: [Operator(opcode: .less, inputs: [0, 2], outputs: [3])])
        let body = Subgraph(
            name: "body",
            tensors: [Tensor(name: "i", shape: [1], type: .int32, buffer: 0, quantization: nil), Tensor(name: "x", shape: [1, 4], type: .float32, buffer: 0, quantization: nil),
                      Tensor(name: "one", shape: [1], type: .int32, buffer: 2, quantization: nil), Tensor(name: "two", shape: twoShape, type: .float32, buffer: 3, quantization: nil),
                      Tensor(name: "i1", shape: [1], type: .int32, buffer: 0, quantization: nil), Tensor(name: "x1", shape: [1, 4], type: .float32, buffer: 0, quantization: nil)],
            inputs: [0, 1], outputs: [4, 5],
            operators: [Operator(opcode: .add, inputs: [0, 2], outputs: [4], options: .arithmetic(ArithmeticOptions())),
                        Operator(opcode: .mul, inputs: [1, 3], outputs: [5], options: .arithmetic(ArithmeticOptions()))])
        let i32: (Int32) -> [UInt8] = { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        return try Model(subgraphs: [main, cond, body],
                         buffers: [[], i32(limit), i32(1), f32(Array(repeating: 2, count: twoShape.reduce(1, *)))])
    }

    func testWhileLoopsUntilTheConditionTurnsFalse() throws {
        let interpreter = try Interpreter(model: whileModel())
        try interpreter.setInput(1, f32([1, -1, 0.5, 3]))
        for (start, trips) in [(Int32(0), 3), (2, 1), (5, 0)] {
            try interpreter.setInput(0, withUnsafeBytes(of: start.littleEndian, Array.init))
            interpreter.invoke()
            let scale = Float(1 << trips)
            XCTAssertEqual(floats(interpreter.outputBytes(0)), [1, -1, 0.5, 3].map { $0 * scale }, "start \(start)")
            XCTAssertEqual(interpreter.outputBytes(1), withUnsafeBytes(of: max(start, 3).littleEndian, Array.init))
        }
    }

    func testWhileBodyThatChangesAShapeAndANonBoolConditionAreRefused() throws {
        expectError(try whileModel(condOutputType: .int32), .invalidModel, "WHILE", "condition subgraph 1 must give one bool")
        expectError(try whileModel(twoShape: [2, 1, 1]), .unsupportedOperator, "WHILE", "the body changes loop value 1", "static shapes")
    }

    func testAWhileThatNeverEndsStopsAtTheIterationLimitWhenOneIsSet() throws {
        let interpreter = try Interpreter(model: whileModel(limit: Int32.max), whileIterationLimit: 50)
        try interpreter.setInput(0, [0, 0, 0, 0])
        try interpreter.setInput(1, f32([1, 1, 1, 1]))
        XCTAssertThrowsError(try interpreter.checkedInvoke()) { error in
            XCTAssertTrue("\(error)".contains("limit of 50 iterations"), "\(error)")
        }
        XCTAssertEqual(interpreter.outputBytes(1), withUnsafeBytes(of: Int32(50).littleEndian, Array.init))
    }

    func testControlFlowAndVariableInvokesMakeNoHeapAllocation() throws {
        let whileInterpreter = try Interpreter(model: whileModel(limit: 6))
        try whileInterpreter.setInput(0, [0, 0, 0, 0])
        try whileInterpreter.setInput(1, f32([1, 2, 3, 4]))
        let counter = try Interpreter(model: counterModel())
        try counter.setInput(0, f32([0]))
        let ifInterpreter = try Interpreter(model: ifModel())
        try ifInterpreter.setInput(1, f32([1, 2, 3, 4]))
        whileInterpreter.invoke()
        try counter.checkedInvoke()
        ifInterpreter.invoke()
        edgefleet_allocation_counting_begin()
        whileInterpreter.invoke()
        try counter.checkedInvoke()
        counter.resetState()
        try counter.checkedInvoke()
        ifInterpreter.invoke()
        let allocations = edgefleet_allocation_counting_end()
        XCTAssertEqual(allocations, 0)
    }

    func testTheConvertersFixturesRunEveryCaseFromAFreshState() throws {
        for name in ["ops_if_float", "ops_while_float", "ops_variables_float", "ops_if_int8", "ops_while_int8", "ops_variables_int8"] {
            let interpreter = try Interpreter(model: Model(bytes: Fixtures.bytes("\(name)/model.tflite")))
            for k in 0..<3 {
                interpreter.resetState()
                try interpreter.setInput(0, Fixtures.bytes("\(name)/case-\(k).in-0.bin"))
                try interpreter.checkedInvoke()
                XCTAssertEqual(interpreter.outputBytes(0), try Fixtures.bytes("\(name)/case-\(k).ref-0.bin"), "\(name) case \(k)")
            }
        }
    }
}
