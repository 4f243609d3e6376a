import Kernels
import XCTest

/// The kernels added for mixed and op-coverage models: data movement, gathers, casts, reductions, elementwise math.
final class OperatorKernelTests: XCTestCase {
    private func copy(_ input: [Int8], dims: [Int], strides: [Int], start: Int) throws -> [Int8] {
        let p = try StridedCopy(outputDims: dims, inputStrides: strides, inputStart: start,
                                inputCount: input.count, outputCount: dims.reduce(1, *))
        var out = [Int8](repeating: 0, count: p.count)
        input.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { stridedCopy(p, input: i.baseAddress!, output: $0.baseAddress!) } }
        return out
    }

    func testStridedCopyTransposesReversesAndBroadcasts() throws {
        let x: [Int8] = [1, 2, 3, 4, 5, 6]    // [2, 3]
        XCTAssertEqual(try copy(x, dims: [3, 2], strides: [1, 3], start: 0), [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(try copy(x, dims: [2, 3], strides: [3, -1], start: 2), [3, 2, 1, 6, 5, 4])
        XCTAssertEqual(try copy(x, dims: [2, 3], strides: [0, 1], start: 3), [4, 5, 6, 4, 5, 6])
        XCTAssertEqual(try copy(x, dims: [2, 2], strides: [3, 2], start: 0), [1, 3, 4, 6])
    }

    func testStridedCopyRefusesViewsOutsideTheInput() {
        XCTAssertThrowsError(try StridedCopy(outputDims: [2, 3], inputStrides: [3, 1], inputStart: 1, inputCount: 6, outputCount: 6))
        XCTAssertThrowsError(try StridedCopy(outputDims: [2], inputStrides: [-1], inputStart: 0, inputCount: 6, outputCount: 2))
        XCTAssertThrowsError(try StridedCopy(outputDims: [1 << 20, 1 << 20], inputStrides: [0, 0], inputStart: 0, inputCount: 1, outputCount: 1))
        XCTAssertThrowsError(try StridedCopy(outputDims: Array(repeating: 1, count: 9), inputStrides: Array(repeating: 0, count: 9),
                                             inputStart: 0, inputCount: 1, outputCount: 1))
    }

    func testPackInterleavesInputs() {
        let a: [UInt8] = [1, 2, 3, 4], b: [UInt8] = [5, 6, 7, 8]
        var out = [UInt8](repeating: 0, count: 8)
        a.withUnsafeBytes { pa in
            b.withUnsafeBytes { pb in
                let inputs = [pa.baseAddress!, pb.baseAddress!]
                inputs.withUnsafeBufferPointer { list in
                    out.withUnsafeMutableBytes { pack(inputs: list, output: $0.baseAddress!, outer: 2, inner: 2, elementSize: 1) }
                }
            }
        }
        XCTAssertEqual(out, [1, 2, 5, 6, 3, 4, 7, 8])
    }

    func testGatherAndGatherNDZeroOutOfRangeIndices() {
        let params: [Float] = [0, 1, 2, 3, 4, 5]   // [3, 2]
        let indices: [Int32] = [2, 0, 7, -1]
        var out = [Float](repeating: 9, count: 8)
        params.withUnsafeBufferPointer { p in
            indices.withUnsafeBufferPointer { i in
                out.withUnsafeMutableBytes {
                    gather(GatherParameters(outer: 1, axisSize: 3, inner: 2, indexCount: 4), params: p.baseAddress!, indices: i.baseAddress!,
                           output: $0.baseAddress!)
                }
            }
        }
        XCTAssertEqual(out, [4, 5, 0, 1, 0, 0, 0, 0])
        let nd: [Int64] = [1, 1, 2, 0, 3, 0]
        var outND = [Float](repeating: 9, count: 3)
        params.withUnsafeBufferPointer { p in
            nd.withUnsafeBufferPointer { i in
                outND.withUnsafeMutableBufferPointer {
                    gatherND(GatherNDParameters(paramsShape: [3, 2], depth: 2, sliceCount: 3), params: p.baseAddress!, indices: i.baseAddress!,
                             output: $0.baseAddress!)
                }
            }
        }
        XCTAssertEqual(outND, [3, 4, 0])
    }

    func testCastTruncatesAndSaturates() {
        let x: [Float] = [1.9, -1.9, .nan, 3e9, -3e9, 0]
        var out = [Int32](repeating: 7, count: x.count)
        x.withUnsafeBytes { i in out.withUnsafeMutableBytes { cast(from: .float32, to: .int32, input: i.baseAddress!, output: $0.baseAddress!, count: 6) } }
        XCTAssertEqual(out, [1, -1, 0, Int32.max, Int32.min, 0])
        var back = [Float](repeating: 0, count: 6)
        out.withUnsafeBytes { i in back.withUnsafeMutableBytes { cast(from: .int32, to: .float32, input: i.baseAddress!, output: $0.baseAddress!, count: 6) } }
        XCTAssertEqual(back, [1, -1, 0, Float(Int32.max), Float(Int32.min), 0])
    }

    func testReduceMaxAndMinOverAxes() throws {
        let x: [Int8] = [1, -5, 3, 7, 2, -8]   // [2, 3]
        let rows = try ReduceParameters(inputShape: [2, 3], axes: [1])
        var out = [Int8](repeating: 0, count: 2)
        x.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { reduceExtremum(rows, maximum: true, initial: Int8.min, input: i.baseAddress!, output: $0.baseAddress!) } }
        XCTAssertEqual(out, [3, 7])
        let cols = try ReduceParameters(inputShape: [2, 3], axes: [0])
        var outC = [Int8](repeating: 0, count: 3)
        x.withUnsafeBufferPointer { i in outC.withUnsafeMutableBufferPointer { reduceExtremum(cols, maximum: false, initial: Int8.max, input: i.baseAddress!, output: $0.baseAddress!) } }
        XCTAssertEqual(outC, [1, -5, -8])
        XCTAssertThrowsError(try ReduceParameters(inputShape: [2, 3], axes: [2]))
    }

    func testFloorDivRoundsTowardNegativeInfinity() throws {
        let shape = try BroadcastShape(input1Shape: [4], input2Shape: [4])
        let a: [Int32] = [7, -7, 7, -7], b: [Int32] = [2, 2, -2, 0]
        var out = [Int32](repeating: 9, count: 4)
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in out.withUnsafeMutableBufferPointer {
            integerBinary(.floorDiv, shape, input1: pa.baseAddress!, input2: pb.baseAddress!, output: $0.baseAddress!)
        } } }
        XCTAssertEqual(out, [3, -4, -4, 0])
        let p = try FloatBinaryParameters(input1Shape: [4], input2Shape: [1], activation: .none)
        let fa: [Float] = [7, -7, 1, 0], fb: [Float] = [2]
        var fo = [Float](repeating: 9, count: 4)
        fa.withUnsafeBufferPointer { pa in fb.withUnsafeBufferPointer { pb in fo.withUnsafeMutableBufferPointer {
            floatBinary(.floorDiv, p, input1: pa.baseAddress!, input2: pb.baseAddress!, output: $0.baseAddress!)
        } } }
        XCTAssertEqual(fo, [3, -4, 0, 0])
    }

    func testFloatUnaryFunctions() {
        let x: [Float] = [4, 0.25, 1]
        var out = [Float](repeating: 0, count: 3)
        x.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { floatUnary(.rsqrt, input: i.baseAddress!, output: $0.baseAddress!, count: 3) } }
        XCTAssertEqual(out, [0.5, 2, 1])
        x.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { floatUnary(.sqrt, input: i.baseAddress!, output: $0.baseAddress!, count: 3) } }
        XCTAssertEqual(out, [2, 0.5, 1])
    }
}
