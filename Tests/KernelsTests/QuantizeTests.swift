import Kernels
import XCTest

final class QuantizeTests: XCTestCase {
    func testFloatToInt8RoundsHalfAwayFromZeroAndClamps() {
        // x / 0.5 + 1: 1.25 → 2.5 → 3 → 4; -1.25 → -2.5 → -3 → -2; ±1000 clamp; NaN converts to 0 → zero point.
        let p = AffineQuantizeParameters(outputScale: 0.5, outputZeroPoint: 1)
        let input: [Float] = [1.25, -1.25, 0.2, 1000, -1000, .nan, 0]
        let out: [Int8] = unary(input) { quantize(p, input: $0, output: $1, count: $2) }
        XCTAssertEqual(out, [4, -2, 1, 127, -128, 1, 1])
    }

    func testFloatToUInt8() {
        let p = AffineQuantizeParameters(outputScale: 0.5, outputZeroPoint: 128)
        let input: [Float] = [0.25, -0.25, 63.75, -64.25]
        let out: [UInt8] = unary(input) { quantize(p, input: $0, output: $1, count: $2) }
        XCTAssertEqual(out, [129, 127, 255, 0])
    }

    func testInfinitiesSaturateTheConversion() {
        // (int32)roundf(±inf) saturates on AArch64; with a zero zero point the clamp then gives the type's limits.
        let p = AffineQuantizeParameters(outputScale: 0.5, outputZeroPoint: 0)
        let out: [Int8] = unary([Float.infinity, -Float.infinity]) { quantize(p, input: $0, output: $1, count: $2) }
        XCTAssertEqual(out, [127, -128])
    }

    func testFloatQuotientIsSinglePrecision() {
        // TFLite divides in float: x / s rounded to float first. Compare with an explicit Float computation.
        let s: Float = 0.0137
        let p = AffineQuantizeParameters(outputScale: s, outputZeroPoint: -5)
        var rng = SplitMix(seed: 9)
        let input = (0..<1000).map { _ in Float.random(in: -2...2, using: &rng) }
        let out: [Int8] = unary(input) { quantize(p, input: $0, output: $1, count: $2) }
        for (x, y) in zip(input, out) {
            XCTAssertEqual(Int32(y), clamp(Int32((x / s).rounded(.toNearestOrAwayFromZero)) - 5, -128, 127))
        }
    }

    func testInt8ToUInt8SignFlipFastPath() {
        let p = RequantizeParameters(inputScale: 0.1, inputZeroPoint: 0, outputScale: 0.1, outputZeroPoint: 128)
        XCTAssertEqual(p.multiplier, QuantizedMultiplier(multiplier: 1 << 30, shift: 1))
        let out: [UInt8] = unary([-128, 0, 127, -1] as [Int8]) { requantize(p, input: $0, output: $1, count: $2) }
        XCTAssertEqual(out, [0, 128, 255, 127])
        let back = RequantizeParameters(inputScale: 0.1, inputZeroPoint: 128, outputScale: 0.1, outputZeroPoint: 0)
        let out2: [Int8] = unary([0, 128, 255, 127] as [UInt8]) { requantize(back, input: $0, output: $1, count: $2) }
        XCTAssertEqual(out2, [-128, 0, 127, -1])
    }

    func testInt8ToInt8HalvingRoundsLikeGemmlowp() {
        // Multiplier exactly 1/2 = (2^30, 0): the rounding happens in the high multiply, whose nudge makes
        // -1.5 → -1 and -0.5 → 0 while 1.5 → 2 and 0.5 → 1.
        let p = RequantizeParameters(inputScale: 0.1, inputZeroPoint: 0, outputScale: 0.2, outputZeroPoint: 0)
        XCTAssertEqual(p.multiplier, QuantizedMultiplier(multiplier: 1 << 30, shift: 0))
        let out: [Int8] = unary([3, -3, 1, -1] as [Int8]) { requantize(p, input: $0, output: $1, count: $2) }
        XCTAssertEqual(out, [2, -1, 1, 0])
    }

    func testRequantizeMatchesIndependentReference() {
        let sIn: Float = 0.0371, sOut: Float = 0.0219
        let p = RequantizeParameters(inputScale: sIn, inputZeroPoint: 17, outputScale: sOut, outputZeroPoint: 140)
        let m = refQuantizeMultiplier(Double(sIn) / Double(sOut))
        let input = (Int32(-128)...127).map { Int8($0) }
        let out: [UInt8] = unary(input) { requantize(p, input: $0, output: $1, count: $2) }
        for (q, y) in zip(input, out) {
            XCTAssertEqual(Int32(y), clamp(refRescale(Int32(q) - 17, m.multiplier, m.shift) + 140, 0, 255))
        }
    }

    func testDequantize() {
        let p = DequantizeParameters(inputScale: 0.5, inputZeroPoint: -1)
        let out: [Float] = unary([-1, 3, -128, 127] as [Int8]) { dequantize(p, input: $0, output: $1, count: $2) }
        XCTAssertEqual(out, [0, 2, -63.5, 64])
        let s: Float = 0.0173
        let pu = DequantizeParameters(inputScale: s, inputZeroPoint: 131)
        let input = (0...255).map { UInt8($0) }
        let outU: [Float] = unary(input) { dequantize(pu, input: $0, output: $1, count: $2) }
        for (q, y) in zip(input, outU) {
            // double(s)·(q − zp) is exact in double, so this equals the float product rounded once.
            XCTAssertEqual(y, Float(Double(s) * Double(Int32(q) - 131)))
            XCTAssertEqual(y, s * Float(Int32(q) - 131))
        }
    }
}
