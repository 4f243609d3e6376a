import Foundation
import Kernels
import XCTest

/// The int16 fixed-point activations and the integer LSTM step against values LiteRT's own kernel tests pin
/// (tensor_utils_test.cc: QuantSigmoidTest, QuantTanh0Test, QuantTanh3Test, QuantTanh4Test) and against
/// hand-computed cases.
final class IntegerLSTMTests: XCTestCase {
    func testSigmoidQ3_12MatchesLiteRTKernelTest() {
        let input: [Int16] = [-10500, 1398, -6963, -7404, 485, -5401, -1757, -7668, -19248, -9692, -24249, -17923, -15840,
                              -10026, 5249, -89, 1787, -16178, -6691, -19524, -13439, -24048, -1123, 32767, -17267, -3378,
                              823, 11482, -11139, 7508]
        let expected: [Int16] = [2339, 19152, 5063, 4617, 17350, 6917, 12921, 4371, 299, 2813, 89, 409, 673, 2605, 25646,
                                 16207, 19904, 615, 5353, 273, 1187, 91, 14153, 32756, 475, 9983, 18026, 30898, 2023, 28246]
        XCTAssertEqual(input.map { GemmlowpInt16.logistic($0, integerBits: 3) }, expected)
    }

    private let tanhInput: [Int16] = [-145, 899, -176, -35, 264, 289, 8, 27, -37, -1310, -120, 127, -16, 106, 370, -583,
                                      -299, 93, -548, 548, 653, -29, -53, 1058, -52, -164, -149, -635, 201, -1297]

    func testTanhQ0_15MatchesLiteRTKernelTest() {
        let expected: [Int16] = [-136, 904, -176, -40, 260, 292, 8, 28, -44, -1304, -120, 120, -24, 112, 376, -576, -308,
                                 88, -544, 544, 652, -32, -60, 1056, -56, -156, -144, -636, 192, -1300]
        XCTAssertEqual(tanhInput.map { GemmlowpInt16.tanh($0, integerBits: 0) }, expected)
    }

    func testTanhQ3_12MatchesLiteRTKernelTest() {
        let expected: [Int16] = [-1156, 7076, -1412, -276, 2104, 2308, 64, 220, -288, -10132, -964, 1016, -120, 844, 2944,
                                 -4640, -2392, 736, -4352, 4352, 5180, -232, -428, 8276, -412, -1308, -1196, -5044, 1612,
                                 -10044]
        XCTAssertEqual(tanhInput.map { GemmlowpInt16.tanh($0, integerBits: 3) }, expected)
    }

    func testTanhQ4_11MatchesLiteRTKernelTest() {
        let input: [Int16] = [-5, 163, -31, -5, 54, 90, 1, 2, -4, -42, -8, 29, 0, 47, 150, -26, -36, 9, -73, 25, 14, -2, -1,
                              29, -10, -12, -18, -29, 51, -92]
        let expected: [Int16] = [-76, 2596, -496, -76, 856, 1436, 24, 36, -64, -672, -120, 456, 0, 752, 2400, -412, -576,
                                 148, -1168, 400, 216, -36, -24, 456, -164, -192, -292, -456, 820, -1476]
        XCTAssertEqual(input.map { GemmlowpInt16.tanh($0, integerBits: 4) }, expected)
    }

    /// Every int16 input, every supported format: odd (tanh) and point (sigmoid) symmetry exactly, and values within
    /// a few LSB of the real functions (gemmlowp's int16 approximations are not monotonic to the last bit).
    func testActivationsAreSymmetricAndClose() {
        for bits in 0...6 {
            var failures: [String] = []
            var worstTanh = 0.0, worstSigmoid = 0.0
            for raw in Int32(Int16.min + 1)...Int32(Int16.max) {
                let x = Int16(raw)
                let t = GemmlowpInt16.tanh(x, integerBits: bits), s = GemmlowpInt16.logistic(x, integerBits: bits)
                let real = Double(x) / Double(1 << (15 - bits))
                if GemmlowpInt16.tanh(-x, integerBits: bits) != -t { failures.append("tanh odd \(x)") }
                if x != 0, Int32(GemmlowpInt16.logistic(-x, integerBits: bits)) != 32767 - Int32(s) { failures.append("sigmoid \(x)") }
                worstTanh = max(worstTanh, abs(Double(t) / 32768 - Foundation.tanh(real)))
                worstSigmoid = max(worstSigmoid, abs(Double(s) / 32768 - 1 / (1 + Foundation.exp(-real))))
            }
            XCTAssertEqual(failures.prefix(5), [], "Q\(bits): \(failures.count) failures")
            XCTAssertLessThan(worstTanh, 5e-4, "tanh Q\(bits)")
            XCTAssertLessThan(worstSigmoid, 3e-4, "sigmoid Q\(bits)")
            XCTAssertEqual(GemmlowpInt16.logistic(0, integerBits: bits), 16384)
            XCTAssertEqual(GemmlowpInt16.tanh(0, integerBits: bits), 0)
            print("Q\(bits): worst tanh error \(worstTanh), worst sigmoid error \(worstSigmoid)")
        }
    }

    /// One cell, one step, hand-computed: weights and scales chosen so each gate's pre-activation is exact.
    func testOneStepHandComputed() {
        // Gate pre-activation z (Q3.12) = rescale(Σ x·w + bias): with multiplier 1.0 (2^30, shift 1) it is the raw sum.
        let one = QuantizedMultiplier(1.0)
        let p = IntegerLSTMParameters(
            batches: 1, steps: 1, inputSize: 1, cells: 1, timeMajor: false,
            inputMultipliers: Array(repeating: one, count: 4), recurrentMultipliers: Array(repeating: one, count: 4),
            hiddenMultiplier: QuantizedMultiplier(1.0 / 4_194_304), hiddenZeroPoint: 0, outputStateZeroPoint: 0,
            cellScaleLog2: -14, cellClip: 0)
        var inputWeights: [[Int8]] = [[1], [1], [1], [1]]
        var recurrentWeights: [[Int8]] = [[0], [0], [0], [0]]
        // z_i = z_o = 4096 (1.0), z_f = 0, z_g = 2048 (0.5): bias minus the input's contribution (x = 10).
        var inputBiases: [[Int32]] = [[4086], [-10], [2038], [4086]]
        var recurrentBiases: [[Int32]] = [[0], [0], [0], [0]]
        var x: [Int8] = [10]
        var out: [Int8] = [0]
        var scratch = [UInt8](repeating: 0, count: p.scratchBytes + 16)
        withPointers(&inputWeights) { wx in
            withPointers(&recurrentWeights) { wh in
                withPointers(&inputBiases) { bx in
                    withPointers(&recurrentBiases) { bh in
                        let w = IntegerLSTMWeights(inputWeights: wx, recurrentWeights: wh, inputBiases: bx, recurrentBiases: bh)
                        scratch.withUnsafeMutableBytes { s in
                            integerLSTM(p, w, input: &x, scratch: s.baseAddress!, output: &out)
                        }
                    }
                }
            }
        }
        // i = o = σ(1), g = tanh(0.5) in Q0.15; c = RDP(i·g, 30 − 14) in units of 2^-14; tanh(c) from Q1.14;
        // h = o·tanh(c)·2^-22 (the Q0.30 product to a hidden scale of 2^-8).
        let i = GemmlowpInt16.logistic(4096, integerBits: 3)
        let g = GemmlowpInt16.tanh(2048, integerBits: 3)
        XCTAssertEqual(Double(i) / 32768, 1 / (1 + Foundation.exp(-1.0)), accuracy: 1e-3)
        XCTAssertEqual(Double(g) / 32768, Foundation.tanh(0.5), accuracy: 1e-3)
        let c = Int16((Int32(i) * Int32(g) + (1 << 15)) >> 16)
        let t = GemmlowpInt16.tanh(c, integerBits: 1)
        let h = QuantizedMultiplier(1.0 / 4_194_304).apply(Int32(i) * Int32(t))
        XCTAssertEqual(out, [Int8(h)])
        let sigma1 = 1 / (1 + Foundation.exp(-1.0))
        XCTAssertEqual(Double(h) / 256, sigma1 * Foundation.tanh(sigma1 * Foundation.tanh(0.5)), accuracy: 0.01)
    }

    func testEffectiveBiasFoldsTheZeroPoint() {
        // Row sums 3 and −1: bias − zp·Σw, with zp = −5 (input zero point) → bias + 5·Σw.
        let weights: [Int8] = [1, 2, 0, -1]
        XCTAssertEqual(IntegerLSTMParameters.effectiveBias(weights: weights, rows: 2, columns: 2, bias: [10, 20], zeroPoint: -5),
                       [25, 15])
        XCTAssertEqual(IntegerLSTMParameters.effectiveBias(weights: weights, rows: 2, columns: 2, bias: [], zeroPoint: 3), [-9, 3])
    }

    private func withPointers<T>(_ arrays: inout [[T]], _ body: ([UnsafePointer<T>]) -> Void) {
        let buffers = arrays.map { a -> UnsafeMutablePointer<T> in
            let p = UnsafeMutablePointer<T>.allocate(capacity: a.count)
            p.initialize(from: a, count: a.count)
            return p
        }
        body(buffers.map { UnsafePointer($0) })
        buffers.forEach { $0.deallocate() }
    }
}
