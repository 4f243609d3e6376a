import Kernels
import XCTest

/// Runs a kernel with several inputs, passing their base pointers in order.
private func withPointers<T, R>(_ arrays: [[T]], _ body: ([UnsafePointer<T>]) -> R) -> R {
    var pointers: [UnsafePointer<T>] = []
    func recurse(_ i: Int) -> R {
        if i == arrays.count { return body(pointers) }
        return arrays[i].withUnsafeBufferPointer { buffer in
            pointers.append(buffer.baseAddress!)
            defer { pointers.removeLast() }
            return recurse(i + 1)
        }
    }
    return recurse(0)
}

private func concat<T>(_ p: ConcatenationParameters, _ inputs: [[T]]) -> [T] {
    let n = p.outputShape.reduce(1, *)
    return [T](unsafeUninitializedCapacity: n) { buffer, initialized in
        withPointers(inputs) { concatenate(p, inputs: $0, output: buffer.baseAddress!) }
        initialized = n
    }
}

final class ConcatenationTests: XCTestCase {
    func testConcatenateAlongEachAxis() throws {
        let a: [Int8] = [1, 2, 3, 4, 5, 6]          // [2, 3]
        let b: [Int8] = [7, 8, 9]                    // [1, 3] or [2, 1] depending on the axis
        let p0 = try ConcatenationParameters(inputShapes: [[2, 3], [1, 3]], axis: 0)
        XCTAssertEqual(p0.outputShape, [3, 3])
        XCTAssertEqual(concat(p0, [a, b]), [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let p1 = try ConcatenationParameters(inputShapes: [[2, 3], [2, 1]], axis: -1)
        XCTAssertEqual(p1.outputShape, [2, 4])
        XCTAssertEqual(concat(p1, [a, [7, 8]]), [1, 2, 3, 7, 4, 5, 6, 8])
    }

    func testConcatenateThreeInputsMiddleAxisFloat() throws {
        // [1, 2, 2] ++ [1, 1, 2] ++ [1, 2, 2] along axis 1 → [1, 5, 2].
        let p = try ConcatenationParameters(inputShapes: [[1, 2, 2], [1, 1, 2], [1, 2, 2]], axis: 1)
        XCTAssertEqual(p.outputShape, [1, 5, 2])
        let out = concat(p, [[1, 2, 3, 4], [5, 6], [7, 8, 9, 10]] as [[Float]])
        XCTAssertEqual(out, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    }

    func testConcatenateScalars() throws {
        let p = try ConcatenationParameters(inputShapes: [[], [], []], axis: 0)
        XCTAssertEqual(p.outputShape, [3])
        XCTAssertEqual(concat(p, [[4], [5], [6]] as [[Int32]]), [4, 5, 6])
    }

    func testUInt8RescalesOnlyInputsWithOtherQuantisation() throws {
        // Input 1 shares the output's (0.5, 0): copied. Input 2 (0.25, 10): scale 0.5, bias -5 →
        // 10 → 0, 13 → 1.5 → 2, 255 → 122.5 → 123, 0 → -5 → 0.
        let p = try ConcatenationParameters(inputShapes: [[1, 2], [1, 4]], axis: 1, inputScales: [0.5, 0.25],
                                            inputZeroPoints: [0, 10], outputScale: 0.5, outputZeroPoint: 0)
        XCTAssertFalse(p.rescales[0].needsRescale)
        XCTAssertTrue(p.rescales[1].needsRescale)
        let out = [UInt8](unsafeUninitializedCapacity: 6) { buffer, initialized in
            withPointers([[200, 255], [10, 13, 255, 0]] as [[UInt8]]) {
                concatenateWithScaling(p, inputs: $0, output: buffer.baseAddress!)
            }
            initialized = 6
        }
        XCTAssertEqual(out, [200, 255, 0, 2, 123, 0])
    }

    func testUInt8RescaleFollowsFloatFormula() throws {
        let sIn: Float = 0.0173, zIn: Int32 = 97, sOut: Float = 0.0291, zOut: Int32 = 120
        let p = try ConcatenationParameters(inputShapes: [[256]], axis: 0, inputScales: [sIn], inputZeroPoints: [zIn],
                                            outputScale: sOut, outputZeroPoint: zOut)
        let input = (0...255).map { UInt8($0) }
        let out = [UInt8](unsafeUninitializedCapacity: 256) { buffer, initialized in
            withPointers([input]) { concatenateWithScaling(p, inputs: $0, output: buffer.baseAddress!) }
            initialized = 256
        }
        let scale: Float = sIn * (1 / sOut)
        let bias: Float = Float(-zIn) * scale
        for (q, y) in zip(input, out) {
            let product: Float = Float(q) * scale
            let value = Int32((product + bias).rounded(.toNearestOrAwayFromZero)) + zOut
            XCTAssertEqual(Int32(y), clamp(value, 0, 255))
        }
    }

    func testMismatchedShapesThrow() {
        XCTAssertThrowsError(try ConcatenationParameters(inputShapes: [[2, 3], [2, 4]], axis: 0))
        XCTAssertThrowsError(try ConcatenationParameters(inputShapes: [[2, 3], [2, 3, 1]], axis: 0))
        XCTAssertThrowsError(try ConcatenationParameters(inputShapes: [[2, 3]], axis: 2))
    }
}

final class PadTests: XCTestCase {
    func testImageStylePadWithZeroPoint() throws {
        // [1, 2, 2, 1] padded by one pixel on every side with the zero point -128.
        let p = try PadParameters(inputShape: [1, 2, 2, 1], paddings: [(0, 0), (1, 1), (1, 1), (0, 0)])
        XCTAssertEqual(p.outputShape, [1, 4, 4, 1])
        let out: [Int8] = transform([1, 2, 3, 4], outputCount: 16) { pad(p, input: $0, output: $1, padValue: -128) }
        let z: Int8 = -128
        XCTAssertEqual(out, [z, z, z, z, z, 1, 2, z, z, 3, 4, z, z, z, z, z])
    }

    func testAsymmetricPaddingOnEveryAxis() throws {
        // [2, 1, 2] → before (1, 0, 2), after (0, 1, 1): [3, 2, 5].
        let p = try PadParameters(inputShape: [2, 1, 2], paddings: [(1, 0), (0, 1), (2, 1)])
        XCTAssertEqual(p.outputShape, [3, 2, 5])
        let out: [UInt8] = transform([1, 2, 3, 4], outputCount: 30) { pad(p, input: $0, output: $1, padValue: 9) }
        var expected = [UInt8](repeating: 9, count: 30)
        // Input [b][0][c] lands at output [b + 1][0][c + 2].
        expected[(1 * 2 + 0) * 5 + 2] = 1
        expected[(1 * 2 + 0) * 5 + 3] = 2
        expected[(2 * 2 + 0) * 5 + 2] = 3
        expected[(2 * 2 + 0) * 5 + 3] = 4
        XCTAssertEqual(out, expected)
    }

    func testFiveDimensionalFloatPad() throws {
        let p = try PadParameters(inputShape: [1, 1, 1, 1, 2], paddings: [(0, 0), (0, 0), (1, 0), (0, 0), (0, 1)])
        XCTAssertEqual(p.outputShape, [1, 1, 2, 1, 3])
        let out: [Float] = transform([5, 6], outputCount: 6) { pad(p, input: $0, output: $1, padValue: 0.5) }
        XCTAssertEqual(out, [0.5, 0.5, 0.5, 5, 6, 0.5])
    }

    func testInvalidPaddingsThrow() {
        XCTAssertThrowsError(try PadParameters(inputShape: [2, 2], paddings: [(0, 0)]))
        XCTAssertThrowsError(try PadParameters(inputShape: [2], paddings: [(-1, 0)]))
    }
}

final class ResizeBilinearTests: XCTestCase {
    private func resize<T>(_ p: ResizeBilinearParameters, _ input: [T],
                           _ kernel: (ResizeBilinearParameters, UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void) -> [T] {
        transform(input, outputCount: p.outputShape.reduce(1, *)) { kernel(p, $0, $1) }
    }

    func testInt8UpscaleTwoByTwoHandComputed() throws {
        // scale_10 = (2048 + 2) / 4 = 512: rows/columns 0, ½, 1, 1½ → taps (0,0), (0,1), (1,1), (1,1).
        // Centre (1,1): (0 + 100 − 100 + 50)/4 = 12.5 → 13 (half away from zero).
        let p = try ResizeBilinearParameters(inputShape: [1, 2, 2, 1], outputHeight: 4, outputWidth: 4,
                                             alignCorners: false, halfPixelCenters: false)
        let out = resize(p, [0, 100, -100, 50] as [Int8]) { resizeBilinear($0, input: $1, output: $2) }
        XCTAssertEqual(out, [0, 50, 100, 100,
                             -50, 13, 75, 75,
                             -100, -25, 50, 50,
                             -100, -25, 50, 50])
    }

    func testInt8HalfPixelCentersExtrapolatesAtTheBorder() throws {
        // Height 2 → 4: scaled = 512·y − 256 → −256, 256, 768, 1280. Row 0 gets weights 1280 and −256 on the same
        // source row (C's truncating division keeps y0 = 0), rows 1 and 2 blend ¾/¼ and ¼/¾, row 3 is row 1.
        let p = try ResizeBilinearParameters(inputShape: [1, 2, 1, 1], outputHeight: 4, outputWidth: 1,
                                             alignCorners: false, halfPixelCenters: true)
        XCTAssertEqual(p.rowsInteger.map(\.scaled), [-256, 256, 768, 1280])
        XCTAssertEqual(p.rowsInteger.map(\.lower), [0, 0, 0, 1])
        XCTAssertEqual(p.rowsInteger.map(\.upper), [0, 1, 1, 1])
        let out = resize(p, [40, 100] as [Int8]) { resizeBilinear($0, input: $1, output: $2) }
        XCTAssertEqual(out, [40, 55, 85, 100])
    }

    func testInt8AlignCorners() throws {
        // 2 → 3 with align_corners: scale_10 = (1024 + 1) / 2 = 512, so the middle is the mean: (−101 + 0)/2 → −51.
        let p = try ResizeBilinearParameters(inputShape: [1, 1, 2, 2], outputHeight: 1, outputWidth: 3,
                                             alignCorners: true, halfPixelCenters: false)
        let out = resize(p, [-101, 10, 0, 20] as [Int8]) { resizeBilinear($0, input: $1, output: $2) }
        XCTAssertEqual(out, [-101, 10, -51, 15, 0, 20])
    }

    func testUInt8FloatPathHandComputed() throws {
        // Float weights: the centre is 0.25·(0 + 100 + 100 + 50) + 0.5 = 63 after truncation.
        let p = try ResizeBilinearParameters(inputShape: [1, 2, 2, 1], outputHeight: 4, outputWidth: 4,
                                             alignCorners: false, halfPixelCenters: false)
        let out = resize(p, [0, 100, 100, 50] as [UInt8]) { resizeBilinear($0, input: $1, output: $2) }
        XCTAssertEqual(out, [0, 50, 100, 100,
                             50, 63, 75, 75,
                             100, 75, 50, 50,
                             100, 75, 50, 50])
    }

    func testUInt8DownscaleWithBatchesAndChannels() throws {
        // 2 batches, 4×4 → 2×2, 2 channels: scale 2, so outputs sample the even pixels exactly.
        let p = try ResizeBilinearParameters(inputShape: [2, 4, 4, 2], outputHeight: 2, outputWidth: 2,
                                             alignCorners: false, halfPixelCenters: false)
        let input = (0..<64).map { UInt8($0) }
        let out = resize(p, input) { resizeBilinear($0, input: $1, output: $2) }
        var expected: [UInt8] = []
        for b in 0..<2 { for y in [0, 2] { for x in [0, 2] { for c in 0..<2 {
            expected.append(UInt8(((b * 4 + y) * 4 + x) * 2 + c))
        } } } }
        XCTAssertEqual(out, expected)
    }

    func testRejectsBothFlags() {
        XCTAssertThrowsError(try ResizeBilinearParameters(inputShape: [1, 2, 2, 1], outputHeight: 4, outputWidth: 4,
                                                          alignCorners: true, halfPixelCenters: true))
    }
}

final class SpaceBatchTests: XCTestCase {
    func testSpaceToBatchWithoutPadding() throws {
        let p = try SpaceToBatchParameters(inputShape: [1, 4, 4, 1], blockShape: [2, 2], paddings: [0, 0, 0, 0])
        XCTAssertEqual(p.outputShape, [4, 2, 2, 1])
        let out: [Int8] = transform((0..<16).map { Int8($0) }) { spaceToBatch(p, input: $0, output: $1, padValue: 0) }
        XCTAssertEqual(out, [0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15])
    }

    func testSpaceToBatchPadsWithZeroPoint() throws {
        // [1, 2, 2, 1] padded to 4×4 (one pixel before and after), block 2: each batch sees one input pixel.
        let p = try SpaceToBatchParameters(inputShape: [1, 2, 2, 1], blockShape: [2, 2], paddings: [1, 1, 1, 1])
        XCTAssertEqual(p.outputShape, [4, 2, 2, 1])
        let out: [Int8] = transform([1, 2, 3, 4], outputCount: 16) { spaceToBatch(p, input: $0, output: $1, padValue: -5) }
        XCTAssertEqual(out, [-5, -5, -5, 4,
                             -5, -5, 3, -5,
                             -5, 2, -5, -5,
                             1, -5, -5, -5])
    }

    func testBatchToSpaceInvertsSpaceToBatchWithCrops() throws {
        // A dilated-convolution round trip on [2, 3, 5, 2] with block 2 and padding to even extents.
        let s2b = try SpaceToBatchParameters(inputShape: [2, 3, 5, 2], blockShape: [2, 2], paddings: [0, 1, 1, 0])
        XCTAssertEqual(s2b.outputShape, [8, 2, 3, 2])
        let b2s = try BatchToSpaceParameters(inputShape: s2b.outputShape, blockShape: [2, 2], crops: [0, 1, 1, 0])
        XCTAssertEqual(b2s.outputShape, [2, 3, 5, 2])
        let input = (0..<60).map { UInt8($0) }
        let batched: [UInt8] = transform(input, outputCount: 96) { spaceToBatch(s2b, input: $0, output: $1, padValue: 0) }
        let back: [UInt8] = transform(batched, outputCount: 60) { batchToSpace(b2s, input: $0, output: $1) }
        XCTAssertEqual(back, input)
    }

    func testThreeDimensionalInputsUseOneSpatialAxis() throws {
        let p = try SpaceToBatchParameters(inputShape: [1, 4, 1], blockShape: [2], paddings: [0, 0])
        XCTAssertEqual(p.outputShape, [2, 2, 1])
        let out: [Float] = transform([1, 2, 3, 4]) { spaceToBatch(p, input: $0, output: $1, padValue: 0) }
        XCTAssertEqual(out, [1, 3, 2, 4])
        let q = try BatchToSpaceParameters(inputShape: [2, 2, 1], blockShape: [2], crops: [0, 0])
        XCTAssertEqual(transform(out) { batchToSpace(q, input: $0, output: $1) }, [1, 2, 3, 4])
    }

    func testInvalidBlocksThrow() {
        XCTAssertThrowsError(try SpaceToBatchParameters(inputShape: [1, 3, 3, 1], blockShape: [2, 2],
                                                        paddings: [0, 0, 0, 0]))
        XCTAssertThrowsError(try BatchToSpaceParameters(inputShape: [3, 2, 2, 1], blockShape: [2, 2],
                                                        crops: [0, 0, 0, 0]))
    }
}

final class ArgMaxTests: XCTestCase {
    func testFirstMaximumWinsAlongLastAxis() throws {
        let p = try ArgMaxParameters(inputShape: [2, 4], axis: -1)
        XCTAssertEqual(p.outputShape, [2])
        let out: [Int32] = transform([3, 7, 7, -1, -128, -128, -128, -128] as [Int8], outputCount: 2) {
            argMax(p, input: $0, output: $1)
        }
        XCTAssertEqual(out, [1, 0])
    }

    func testMiddleAxisInt64Output() throws {
        // [2, 3, 2], axis 1: for each (outer, inner) the largest of three.
        let p = try ArgMaxParameters(inputShape: [2, 3, 2], axis: 1)
        XCTAssertEqual(p.outputShape, [2, 2])
        let input: [UInt8] = [1, 9, 5, 9, 3, 0,
                              0, 0, 0, 255, 200, 254]
        let out: [Int64] = transform(input, outputCount: 4) { argMax(p, input: $0, output: $1) }
        XCTAssertEqual(out, [1, 0, 2, 1])
    }

    func testFloatNaNNeverWins() throws {
        let p = try ArgMaxParameters(inputShape: [5], axis: 0)
        let out: [Int32] = transform([Float.nan, 1, .nan, 3, 2], outputCount: 1) { argMax(p, input: $0, output: $1) }
        XCTAssertEqual(out, [3])
    }

    func testAxisOutOfRangeThrows() {
        XCTAssertThrowsError(try ArgMaxParameters(inputShape: [2, 3], axis: 2))
        XCTAssertThrowsError(try ArgMaxParameters(inputShape: [], axis: 0))
    }
}
