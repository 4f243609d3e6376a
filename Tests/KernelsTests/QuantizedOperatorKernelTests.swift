import Kernels
import XCTest

/// The int8 kernels added for op coverage, against float arithmetic (within the rounding TFLite's integer paths
/// allow) and against hand-computed cases. Bit-exactness with TFLite is checked by the conformance fixtures.
final class QuantizedOperatorKernelTests: XCTestCase {
    func testMirroredAndNearestCoordinates() {
        // REFLECT (offset 1) and SYMMETRIC (offset 0) around [a b c], two before and two after.
        XCTAssertEqual((0..<7).map { IndexedCopyParameters.mirrored($0, before: 2, inputSize: 3, offset: 1) }, [2, 1, 0, 1, 2, 1, 0])
        XCTAssertEqual((0..<7).map { IndexedCopyParameters.mirrored($0, before: 2, inputSize: 3, offset: 0) }, [1, 0, 0, 1, 2, 2, 1])
        XCTAssertEqual((0..<4).map { IndexedCopyParameters.nearest($0, inputSize: 2, outputSize: 4, alignCorners: false, halfPixelCenters: false) },
                       [0, 0, 1, 1])
        XCTAssertEqual((0..<3).map { IndexedCopyParameters.nearest($0, inputSize: 2, outputSize: 3, alignCorners: true, halfPixelCenters: false) },
                       [0, 1, 1])
    }

    func testInverseSqrtMultiplierApproximatesOneOverSqrt() {
        for value: Int32 in [2, 3, 17, 1000, 65_536, 1 << 28, Int32.max] {
            let (m, s) = inverseSqrtQuantizedMultiplier(value)
            let approx = Double(m) / Double(1 << 31) * pow(2.0, Double(s))
            XCTAssertEqual(approx, 1 / Double(value).squareRoot(), accuracy: 2e-6 / Double(value).squareRoot(), "\(value)")
        }
        XCTAssertEqual(inverseSqrtQuantizedMultiplier(1).multiplier, Int32.max)
    }

    func testL2NormalizeGivesUnitRowsAtScaleOneOver128() {
        let input: [Int8] = [30, 40, 0, -60, 80, 0]   // two rows of 3, zero point 0: norms 50 and 100
        var out = [Int8](repeating: 0, count: 6)
        input.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { l2Normalize(inputZeroPoint: 0, outer: 2, depth: 3, input: i.baseAddress!, output: $0.baseAddress!) } }
        let expected = [0.6, 0.8, 0, -0.6, 0.8, 0].map { Int8(($0 * 128).rounded()) }
        for (a, b) in zip(out, expected) { XCTAssertLessThanOrEqual(abs(Int(a) - Int(b)), 1, "\(out)") }
    }

    func testQuantizedComparisonRescalesOperands() throws {
        // 10 at scale 0.1 (1.0) against 5 at scale 0.2 (1.0): equal; 11 vs 5: greater.
        let p = try QuantizedComparisonParameters(input1Scale: 0.1, input1ZeroPoint: 0, input2Scale: 0.2, input2ZeroPoint: 0)
        let shape = try BroadcastShape(input1Shape: [3], input2Shape: [1])
        let a: [Int8] = [10, 11, 9], b: [Int8] = [5]
        var eq = [UInt8](repeating: 9, count: 3), gt = [UInt8](repeating: 9, count: 3)
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
            eq.withUnsafeMutableBufferPointer { compareQuantized(.equal, shape, p, input1: pa.baseAddress!, input2: pb.baseAddress!, output: $0.baseAddress!) }
            gt.withUnsafeMutableBufferPointer { compareQuantized(.greater, shape, p, input1: pa.baseAddress!, input2: pb.baseAddress!, output: $0.baseAddress!) }
        } }
        XCTAssertEqual(eq, [1, 0, 0])
        XCTAssertEqual(gt, [0, 1, 0])
        XCTAssertThrowsError(try QuantizedComparisonParameters(input1Scale: 1.5, input1ZeroPoint: 0, input2Scale: 0.1, input2ZeroPoint: 0))
    }

    func testSelectBroadcastsConditionAndOperands() throws {
        let p = try SelectParameters(conditionShape: [2, 1], xShape: [2, 3], yShape: [1])
        let c: [UInt8] = [1, 0], x: [Int16] = [1, 2, 3, 4, 5, 6], y: [Int16] = [-1]
        var out = [Int16](repeating: 0, count: 6)
        c.withUnsafeBufferPointer { pc in x.withUnsafeBufferPointer { px in y.withUnsafeBufferPointer { py in out.withUnsafeMutableBufferPointer {
            select(p, condition: pc.baseAddress!, x: px.baseAddress!, y: py.baseAddress!, output: $0.baseAddress!)
        } } } }
        XCTAssertEqual(p.outputShape, [2, 3])
        XCTAssertEqual(out, [1, 2, 3, -1, -1, -1])
        XCTAssertThrowsError(try SelectParameters(conditionShape: [3], xShape: [2], yShape: [2]))
    }

    func testBatchMatMulMatchesNaiveProductWithAdjoint() throws {
        // lhs [2, 3], rhs given transposed as [4, 3] (adj_y); unit scales, zero points 1 and -2.
        let lhs: [Int8] = [1, 2, 3, 4, 5, 6], rhsT: [Int8] = [1, 0, -1, 2, 2, 2, -3, 1, 0, 5, 5, 5]
        let p = try BatchMatMulParameters(lhsShape: [2, 3], rhsShape: [4, 3], adjX: false, adjY: true, lhsScale: 1, lhsZeroPoint: 1,
                                          rhsScale: 0.125, rhsZeroPoint: -2, outputScale: 1, outputZeroPoint: 3)
        XCTAssertEqual(p.outputShape, [2, 4])
        var out = [Int8](repeating: 0, count: 8)
        lhs.withUnsafeBufferPointer { l in rhsT.withUnsafeBufferPointer { r in out.withUnsafeMutableBufferPointer {
            batchMatMul(p, lhs: l.baseAddress!, rhs: r.baseAddress!, output: $0.baseAddress!)
        } } }
        var expected: [Int8] = []
        for i in 0..<2 {
            for j in 0..<4 {
                var acc = 0
                for k in 0..<3 { acc += (Int(lhs[i * 3 + k]) - 1) * (Int(rhsT[j * 3 + k]) + 2) }
                // TFLite's double rounding (19 · 0.125 → 9.5 → 10 → 2.5 → 3), not round(acc · 0.125).
                expected.append(Int8(clamping: multiplyByQuantizedMultiplier(Int32(acc), p.multiplier.multiplier, p.multiplier.shift) + 3))
            }
        }
        XCTAssertEqual(out, expected)
    }

    func testTransposeConvScattersEachInputPixel() throws {
        // One input pixel, one channel, 2×2 filter, stride 2, VALID: the output is the filter scaled by the input.
        let p = try TransposeConvParameters(inputShape: [1, 1, 1, 1], filterShape: [1, 2, 2, 1], outputShape: [1, 2, 2, 1], strideHeight: 2,
                                            strideWidth: 2, same: false, inputScale: 1, inputZeroPoint: 0, filterScales: [1], outputScale: 1,
                                            outputZeroPoint: 0, outputMin: -128, outputMax: 127)
        let input: [Int8] = [3], filter: [Int8] = [1, -2, 4, 40]
        var scratch = [Int32](repeating: 0, count: 4), out = [Int8](repeating: 0, count: 4)
        input.withUnsafeBufferPointer { i in filter.withUnsafeBufferPointer { f in scratch.withUnsafeMutableBufferPointer { s in out.withUnsafeMutableBufferPointer {
            transposeConv(p, input: i.baseAddress!, filter: f.baseAddress!, bias: nil, scratch: s.baseAddress!, output: $0.baseAddress!)
        } } } }
        XCTAssertEqual(out, [3, -6, 12, 120])
        XCTAssertThrowsError(try TransposeConvParameters(inputShape: [1, 1, 1, 2], filterShape: [1, 2, 2, 1], outputShape: [1, 2, 2, 1], strideHeight: 2,
                                                         strideWidth: 2, same: false, inputScale: 1, inputZeroPoint: 0, filterScales: [1], outputScale: 1,
                                                         outputZeroPoint: 0, outputMin: -128, outputMax: 127))
    }

    func testTransposeConvEqualsItsReferenceTwin() throws {
        var random = SystemRandomNumberGenerator()
        for trial in 0..<200 {
            let (h, w, ic, oc) = (Int.random(in: 1...6, using: &random), Int.random(in: 1...6, using: &random),
                                  Int.random(in: 1...9, using: &random), [1, 2, 3, 4, 5, 7, 8, 12, 16, 17][trial % 10])
            let (kh, kw, sh, sw) = (Int.random(in: 1...4, using: &random), Int.random(in: 1...4, using: &random),
                                    Int.random(in: 1...3, using: &random), Int.random(in: 1...3, using: &random))
            let same = Bool.random(using: &random)
            let outShape = same ? [1, h * sh, w * sw, oc] : [1, (h - 1) * sh + kh, (w - 1) * sw + kw, oc]
            let scales = (0..<(trial % 3 == 0 ? 1 : oc)).map { _ in Float.random(in: 0.001...0.05, using: &random) }
            let p = try TransposeConvParameters(inputShape: [1, h, w, ic], filterShape: [oc, kh, kw, ic], outputShape: outShape,
                                                strideHeight: sh, strideWidth: sw, same: same, inputScale: Float.random(in: 0.01...0.1, using: &random),
                                                inputZeroPoint: Int32.random(in: -20...20, using: &random), filterScales: scales,
                                                outputScale: Float.random(in: 0.02...0.2, using: &random),
                                                outputZeroPoint: Int32.random(in: -10...10, using: &random), outputMin: -128, outputMax: trial % 4 == 0 ? 6 : 127)
            let input = (0..<h * w * ic).map { _ in Int8.random(in: .min ... .max, using: &random) }
            let filter = (0..<oc * kh * kw * ic).map { _ in Int8.random(in: -127 ... 127, using: &random) }
            let bias: [Int32]? = trial % 2 == 0 ? (0..<oc).map { _ in Int32.random(in: -5000...5000, using: &random) } : nil
            func run(_ kernel: (TransposeConvParameters, UnsafePointer<Int8>, UnsafePointer<Int8>, UnsafePointer<Int32>?,
                                UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int8>) -> Void) -> [Int8] {
                var scratch = [Int32](repeating: 0, count: p.outputCount), out = [Int8](repeating: 0, count: p.outputCount)
                input.withUnsafeBufferPointer { i in filter.withUnsafeBufferPointer { f in scratch.withUnsafeMutableBufferPointer { s in
                    out.withUnsafeMutableBufferPointer { o in
                        if let bias {
                            bias.withUnsafeBufferPointer { kernel(p, i.baseAddress!, f.baseAddress!, $0.baseAddress!, s.baseAddress!, o.baseAddress!) }
                        } else {
                            kernel(p, i.baseAddress!, f.baseAddress!, nil, s.baseAddress!, o.baseAddress!)
                        }
                    }
                } } }
                return out
            }
            XCTAssertEqual(run(transposeConv), run(transposeConvReference), "trial \(trial): \(h)×\(w)×\(ic) → \(outShape), filter \(kh)×\(kw), stride \(sh)×\(sw)")
        }
    }

    func testQuantizedDivideAndPreluFollowTheRealValues() throws {
        let div = try QuantizedDivParameters(input1Shape: [4], input2Shape: [4], input1Scale: 0.1, input1ZeroPoint: 0, input2Scale: 0.1,
                                             input2ZeroPoint: 0, outputScale: 0.05, outputZeroPoint: 0, outputMin: -128, outputMax: 127)
        let a: [Int8] = [10, -30, 50, 7], b: [Int8] = [20, 10, -25, 0]
        var out = [Int8](repeating: 0, count: 4)
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in out.withUnsafeMutableBufferPointer {
            quantizedDivide(div, input1: pa.baseAddress!, input2: pb.baseAddress!, output: $0.baseAddress!)
        } } }
        XCTAssertEqual(Array(out[0..<3]), [10, -60, -40])   // 0.5, -3, -2 at scale 0.05
        XCTAssertEqual(out[3], 0)                           // division by zero: the zero point

        let prelu = try PreluParameters(inputShape: [4], alphaShape: [1], inputScale: 0.5, inputZeroPoint: 0, alphaScale: 0.25, alphaZeroPoint: 0,
                                        outputScale: 0.5, outputZeroPoint: 0)
        let x: [Int8] = [4, -4, 0, -8], alpha: [Int8] = [1]   // alpha 0.25
        var y = [Int8](repeating: 0, count: 4)
        x.withUnsafeBufferPointer { px in alpha.withUnsafeBufferPointer { pa in y.withUnsafeMutableBufferPointer {
            Kernels.prelu(prelu, input: px.baseAddress!, alpha: pa.baseAddress!, output: $0.baseAddress!)
        } } }
        XCTAssertEqual(y, [4, -1, 0, -2])
    }

    func testLogSoftmaxApproximatesTheFloatResult() {
        let p = LogSoftmaxParameters(outer: 1, depth: 4, inputScale: 0.1)
        let input: [Int8] = [10, 0, -10, 20]
        var out = [Int8](repeating: 0, count: 4)
        input.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { logSoftmax(p, input: i.baseAddress!, output: $0.baseAddress!) } }
        let real = input.map { Double($0) * 0.1 }
        let logSum = log(real.map { exp($0) }.reduce(0, +))
        for (q, r) in zip(out, real) {
            XCTAssertEqual(Double(Int(q) - 127) * 16 / 256, r - logSum, accuracy: 0.07, "\(out)")
        }
    }
}
