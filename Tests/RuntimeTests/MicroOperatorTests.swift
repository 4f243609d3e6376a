import Runtime
import TFLite
import XCTest

/// Edge cases of the operators added to cover TFLite Micro's resolver (ARG_MIN, REVERSE_V2, ELU, ROUND, CUMSUM,
/// REDUCE_ALL, BROADCAST_ARGS, DYNAMIC_UPDATE_SLICE, L2_POOL_2D, EMBEDDING_LOOKUP) and of int8 SUM's reference
/// semantics, on small hand-built models. The conformance fixtures (ops_*) check them against LiteRT byte for byte;
/// these pin the corners random fixture inputs rarely reach: ties, NaN, clamped and out-of-range run-time indices,
/// wrapping sums, half-way rounding.
final class MicroOperatorTests: XCTestCase {
    private static func le<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { v in (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: v.littleEndian >> (8 * $0)) } }
    }

    private static func f32(_ values: [Float]) -> [UInt8] { le(values.map(\.bitPattern)) }

    private static func floats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count, by: 4).map { Float(bitPattern: ints(Array(bytes[$0..<$0 + 4]), as: UInt32.self)[0]) }
    }

    private static func ints<T: FixedWidthInteger>(_ bytes: [UInt8], as: T.Type) -> [T] {
        let n = MemoryLayout<T>.size
        return stride(from: 0, to: bytes.count, by: n).map { start in
            (0..<n).reduce(T.zero) { $0 | T(truncatingIfNeeded: bytes[start + $1]) << (8 * $1) }
        }
    }

    /// A one-operator model: `tensors[0..<inputCount]` are the graph inputs, the last tensor the output;
    /// `constants` maps tensor index → little-endian bytes.
    private func interpreter(_ op: BuiltinOperator, _ tensors: [Tensor], inputs: [Int], constants: [Int: [UInt8]] = [:],
                             options: BuiltinOptions = .none) throws -> Interpreter {
        var buffers: [[UInt8]] = [[]]
        var tensors = tensors
        for (index, bytes) in constants.sorted(by: { $0.key < $1.key }) {
            buffers.append(bytes)
            tensors[index].buffer = buffers.count - 1
        }
        let output = tensors.count - 1
        let graph = Subgraph(name: "main", tensors: tensors, inputs: inputs, outputs: [output],
                             operators: [Operator(opcode: op, inputs: Array(0..<output), outputs: [output], options: options)])
        return try Interpreter(model: Model(subgraphs: [graph], buffers: buffers))
    }

    private func t(_ name: String, _ shape: [Int], _ type: TensorType = .float32, scale: Float? = nil, zeroPoint: Int64 = 0) -> Tensor {
        Tensor(name: name, shape: shape, type: type, buffer: 0,
               quantization: scale.map { Quantization(scales: [$0], zeroPoints: [zeroPoint]) })
    }

    func testArgMinTakesTheFirstMinimumAndSkipsNaN() throws {
        let i = try interpreter(.argMin, [t("x", [2, 4]), t("axis", [1], .int32), t("out", [2], .int64)], inputs: [0],
                                constants: [1: Self.le([Int32(1)])])
        try i.setInput(0, Self.f32([3, 1, 1, 2, .nan, 5, -1, -1]))
        i.invoke()
        XCTAssertEqual(i.outputs[0].shape, [2])
        XCTAssertEqual(Self.ints(i.outputBytes(0), as: Int64.self), [1, 2])

        let q = try interpreter(.argMin, [t("x", [3, 2], .int8, scale: 0.5), t("axis", [1], .int32), t("out", [2], .int32)], inputs: [0],
                                constants: [1: Self.le([Int32(-2)])])
        try q.setInput(0, Self.le([Int8](arrayLiteral: 5, -128, -128, 7, 0, -128)))
        q.invoke()
        XCTAssertEqual(Self.ints(q.outputBytes(0), as: Int32.self), [1, 0])
    }

    func testReverseV2OverTwoAxesAndRefusesARepeatedAxis() throws {
        let i = try interpreter(.reverseV2, [t("x", [2, 3]), t("axes", [2], .int32), t("out", [2, 3])], inputs: [0],
                                constants: [1: Self.le([Int32](arrayLiteral: 0, -1))])
        try i.setInput(0, Self.f32([0, 1, 2, 3, 4, 5]))
        i.invoke()
        XCTAssertEqual(Self.floats(i.outputBytes(0)), [5, 4, 3, 2, 1, 0])

        XCTAssertThrowsError(try interpreter(.reverseV2, [t("x", [2, 3]), t("axes", [2], .int32), t("out", [2, 3])], inputs: [0],
                                             constants: [1: Self.le([Int32](arrayLiteral: 1, -1))])) { error in
            XCTAssertEqual((error as? RuntimeError)?.code, .invalidModel)
            XCTAssertTrue("\(error)".contains("listed twice"), "\(error)")
        }
    }

    func testRoundIsHalfToEvenAndEluIsExpm1BelowZero() throws {
        let r = try interpreter(.round, [t("x", [8]), t("out", [8])], inputs: [0])
        try r.setInput(0, Self.f32([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999998, 8388609]))
        r.invoke()
        let rounded = Self.floats(r.outputBytes(0))
        XCTAssertEqual(rounded, [0, 2, 2, 0, -2, -2, 2, 8388609])
        // −0.5 rounds to +0 as the reference's floor-plus-one does, not to −0.
        XCTAssertEqual(rounded[3].sign, .plus)

        let e = try interpreter(.elu, [t("x", [3]), t("out", [3])], inputs: [0])
        try e.setInput(0, Self.f32([-1e-7, -20, 3]))
        e.invoke()
        // expm1, not exp − 1: the tiny input keeps its value instead of rounding to 0 or −1.19e−7.
        let out = Self.floats(e.outputBytes(0))
        XCTAssertEqual(out[0], -1e-7, accuracy: 1e-13)
        XCTAssertEqual(Array(out[1...]), [-1, 3])
    }

    func testEluInt8IsALookupTableOfTheDequantisedInput() throws {
        let e = try interpreter(.elu, [t("x", [3], .int8, scale: 0.05, zeroPoint: 10), t("out", [3], .int8, scale: 0.02, zeroPoint: 50)],
                                inputs: [0])
        try e.setInput(0, Self.le([Int8](arrayLiteral: -128, 10, 60)))
        e.invoke()
        // (−138 × 0.05 = −6.9) → expm1 ≈ −0.999 → −49.95/… ; 0 → 0 → 50; 2.5 → 125 + 50 clamps to 127.
        XCTAssertEqual(Self.ints(e.outputBytes(0), as: Int8.self), [0, 50, 127])
    }

    func testCumsumExclusiveReverseAndWrappingInt32() throws {
        var o = ScalarOptions()
        o.set(0, [1])
        o.set(1, [1])
        let c = try interpreter(.cumsum, [t("x", [2, 3], .int32), t("axis", [1], .int32), t("out", [2, 3], .int32)], inputs: [0],
                                constants: [1: Self.le([Int32(1)])], options: .scalars(o))
        try c.setInput(0, Self.le([Int32](arrayLiteral: 1, 2, 3, 1, 1, Int32.max)))
        c.invoke()
        // Exclusive and reversed: each element gets the sum of those after it; Int32.max + 1 wraps.
        XCTAssertEqual(Self.ints(c.outputBytes(0), as: Int32.self), [5, 3, 0, Int32.min, Int32.max, 0])

        let f = try interpreter(.cumsum, [t("x", [3, 1]), t("axis", [1], .int32), t("out", [3, 1])], inputs: [0],
                                constants: [1: Self.le([Int32(0)])])
        try f.setInput(0, Self.f32([1e8, 1, -1e8]))
        f.invoke()
        // In order, single precision: 1e8 + 1 rounds back to 1e8, so the last sum is 0, not 1.
        XCTAssertEqual(Self.floats(f.outputBytes(0)), [1e8, 1e8, 0])
    }

    /// TFLite Micro's int8 CUMSUM (LiteRT has none, so no fixture): values shifted by 2²⁰, halved, summed, requantised;
    /// its accumulator starts from the scaled input offset, so a nonzero input zero point shifts every sum once.
    func testInt8CumsumFollowsTFLiteMicro() throws {
        let c = try interpreter(.cumsum, [t("x", [3], .int8, scale: 0.5), t("axis", [1], .int32), t("out", [3], .int8, scale: 0.5)],
                                inputs: [0], constants: [1: Self.le([Int32(0)])])
        try c.setInput(0, Self.le([Int8](arrayLiteral: 1, 2, 3)))
        c.invoke()
        XCTAssertEqual(Self.ints(c.outputBytes(0), as: Int8.self), [1, 3, 6])

        let z = try interpreter(.cumsum, [t("x", [2], .int8, scale: 0.5, zeroPoint: 2), t("axis", [1], .int32), t("out", [2], .int8, scale: 0.5)],
                                inputs: [0], constants: [1: Self.le([Int32(0)])])
        try z.setInput(0, Self.le([Int8](arrayLiteral: 2, 4)))
        z.invoke()
        // Real inputs 0 and 1: the true sums are 0 and 2 (in output steps); the reference's start offset subtracts 2.
        XCTAssertEqual(Self.ints(z.outputBytes(0), as: Int8.self), [-2, 0])
    }

    func testReduceAllWithKeepDims() throws {
        var o = ReducerOptions()
        o.keepDims = true
        let r = try interpreter(.reduceAll, [t("x", [2, 3], .bool), t("axes", [1], .int32), t("out", [2, 1], .bool)], inputs: [0],
                                constants: [1: Self.le([Int32(1)])], options: .reducer(o))
        try r.setInput(0, [1, 1, 1, 1, 0, 1])
        r.invoke()
        XCTAssertEqual(r.outputs[0].shape, [2, 1])
        XCTAssertEqual(r.outputBytes(0), [1, 0])
    }

    func testBroadcastArgsAlignsFromTheRight() throws {
        let b = try interpreter(.broadcastArgs, [t("a", [3], .int32), t("b", [2], .int32), t("out", [3], .int32)], inputs: [0, 1])
        try b.setInput(0, Self.le([Int32](arrayLiteral: 2, 1, 4)))
        try b.setInput(1, Self.le([Int32](arrayLiteral: 3, 1)))
        b.invoke()
        XCTAssertEqual(Self.ints(b.outputBytes(0), as: Int32.self), [2, 3, 4])
    }

    func testDynamicUpdateSliceClampsHostileStartIndices() throws {
        let d = try interpreter(.dynamicUpdateSlice, [t("x", [3, 4]), t("u", [2, 2]), t("i", [2], .int32), t("out", [3, 4])], inputs: [0, 1, 2])
        try d.setInput(0, Self.f32([Float](repeating: 0, count: 12)))
        try d.setInput(1, Self.f32([1, 2, 3, 4]))
        // Row 99 clamps to 1 (3 − 2), column −5 to 0.
        try d.setInput(2, Self.le([Int32](arrayLiteral: 99, -5)))
        d.invoke()
        XCTAssertEqual(Self.floats(d.outputBytes(0)), [0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0])
        XCTAssertThrowsError(try interpreter(.dynamicUpdateSlice, [t("x", [3, 4]), t("u", [4, 1]), t("i", [2], .int32), t("out", [3, 4])],
                                             inputs: [0, 1, 2]))
    }

    func testL2PoolSquaresAveragesAndTakesTheRoot() throws {
        var o = Pool2DOptions()
        o.padding = .same
        o.strideWidth = 2
        o.strideHeight = 2
        o.filterWidth = 2
        o.filterHeight = 2
        let p = try interpreter(.l2Pool2D, [t("x", [1, 2, 3, 1]), t("out", [1, 1, 2, 1])], inputs: [0], options: .pool2D(o))
        try p.setInput(0, Self.f32([3, 4, 12, 0, 0, 5]))
        p.invoke()
        XCTAssertEqual(p.outputs[0].shape, [1, 1, 2, 1])
        // Window 1: √((9+16+0+0)/4) = 2.5; window 2 (clipped to one column): √((144+25)/2).
        XCTAssertEqual(Self.floats(p.outputBytes(0)), [2.5, (Float(169) / 2).squareRoot()])
    }

    func testEmbeddingLookupCopiesRowsZeroesBadIdsAndDequantisesHybridTables() throws {
        let e = try interpreter(.embeddingLookup, [t("ids", [3], .int32), t("table", [3, 2]), t("out", [3, 2])], inputs: [0],
                                constants: [1: Self.f32([0, 1, 2, 3, 4, 5])])
        try e.setInput(0, Self.le([Int32](arrayLiteral: 2, 7, 0)))
        e.invoke()
        XCTAssertEqual(e.outputs[0].shape, [3, 2])
        XCTAssertEqual(Self.floats(e.outputBytes(0)), [4, 5, 0, 0, 0, 1])

        var table = t("table", [2, 2], .int8)
        table.quantization = Quantization(scales: [0.5, 0.25], zeroPoints: [0, 0])
        let h = try interpreter(.embeddingLookup, [t("ids", [2], .int32), table, t("out", [2, 2])], inputs: [0],
                                constants: [1: Self.le([Int8](arrayLiteral: 2, -4, 8, -128))])
        try h.setInput(0, Self.le([Int32](arrayLiteral: 1, 0)))
        h.invoke()
        XCTAssertEqual(Self.floats(h.outputBytes(0)), [2, -32, 1, -2])
    }

    /// LiteRT's reference int8 SUM runs its uint8 kernel on the int8 bytes: −1 counts as 255 and the result is
    /// clamped to 0…255 before it is stored as an int8 byte.
    func testInt8SumFollowsTheReferenceUInt8Reading() throws {
        let s = try interpreter(.sum, [t("x", [2, 2], .int8, scale: 1), t("axes", [1], .int32), t("out", [2], .int8, scale: 1)],
                                inputs: [0], constants: [1: Self.le([Int32(1)])])
        try s.setInput(0, Self.le([Int8](arrayLiteral: -1, 1, 3, 4)))
        s.invoke()
        // Row 0: 255 + 1 = 256 clamps to 255, stored as −1 (the true sum is 0); row 1: 7.
        XCTAssertEqual(Self.ints(s.outputBytes(0), as: Int8.self), [-1, 7])
    }
}
