import Foundation
import Kernels
import XCTest

final class LookupTableTests: XCTestCase {
    private func apply<T: Quantized8BitInteger>(_ lut: ActivationLookupTable, _ input: [T]) -> [T] {
        unary(input) { lookup(lut, input: $0, output: $1, count: $2) }
    }

    func testInt8LogisticHandComputed() {
        // x = 0.1·q; output 1/256 with zero point -128. sigmoid(1)·256 = 187.15 → 187 → 59; sigmoid(-1)·256 = 68.85.
        let lut = ActivationLookupTable.logistic(type: .int8, inputScale: 0.1, inputZeroPoint: 0,
                                                 outputScale: 1.0 / 256, outputZeroPoint: -128)
        XCTAssertEqual(apply(lut, [0, 10, -10, 127, -128] as [Int8]), [0, 59, -59, 127, -128])
    }

    func testInt8TanhHandComputed() {
        // tanh(0.5)·128 = 59.15; ±10 saturates to the type's limits (128 clamps to 127).
        let lut = ActivationLookupTable.tanh(type: .int8, inputScale: 0.1, inputZeroPoint: 0,
                                             outputScale: 1.0 / 128, outputZeroPoint: 0)
        XCTAssertEqual(apply(lut, [0, 5, -5, 100, -100] as [Int8]), [0, 59, -59, 127, -128])
    }

    func testUInt8LogisticHandComputed() {
        let lut = ActivationLookupTable.logistic(type: .uint8, inputScale: 0.1, inputZeroPoint: 128,
                                                 outputScale: 1.0 / 256, outputZeroPoint: 0)
        XCTAssertEqual(apply(lut, [128, 138, 255, 0] as [UInt8]), [128, 187, 255, 0])
    }

    func testTablesMatchSinglePrecisionFormulaForEveryInput() {
        // LUTPopulateInt8 in Float: roundf(f(s_in·(q − zp_in)) · (1/s_out)) + zp_out, clamped.
        let cases: [(QuantizedType, Float, Int32, Float, Int32, Bool)] = [
            (.int8, 0.0627, 3, 1.0 / 256, -128, true),
            (.int8, 0.0213, -17, 1.0 / 128, 0, false),
            (.uint8, 0.0412, 131, 1.0 / 256, 0, true),
            (.uint8, 0.0078, 128, 1.0 / 128, 128, false),
        ]
        for (type, sIn, zIn, sOut, zOut, isLogistic) in cases {
            let lut = isLogistic
                ? ActivationLookupTable.logistic(type: type, inputScale: sIn, inputZeroPoint: zIn,
                                                 outputScale: sOut, outputZeroPoint: zOut)
                : ActivationLookupTable.tanh(type: type, inputScale: sIn, inputZeroPoint: zIn,
                                             outputScale: sOut, outputZeroPoint: zOut)
            let inverse: Float = 1 / sOut
            for q in type.min...type.max {
                let x: Float = sIn * Float(q - zIn)
                let f: Float = isLogistic ? 1 / (1 + expf(-x)) : tanhf(x)
                let expected = clamp(Int32(roundf(f * inverse) + Float(zOut)), type.min, type.max)
                let index = Int(UInt8(truncatingIfNeeded: q))
                let got = type == .int8 ? Int32(Int8(bitPattern: lut.table[index])) : Int32(lut.table[index])
                XCTAssertEqual(got, expected, "\(type) q=\(q) logistic=\(isLogistic)")
            }
        }
    }

    func testInt8TableIsIndexedByBitPattern() {
        let lut = ActivationLookupTable.tanh(type: .int8, inputScale: 0.01, inputZeroPoint: 0,
                                             outputScale: 1.0 / 128, outputZeroPoint: 0)
        // Index 0x80 holds f(-128): tanh(-1.28)·128 = -109.6; index 0x7F holds f(127): tanh(1.27)·128 = 109.3.
        XCTAssertEqual(Int8(bitPattern: lut.table[0x80]), -110)
        XCTAssertEqual(Int8(bitPattern: lut.table[0x7F]), 109)
        XCTAssertEqual(lut.table[0], 0)
    }
}

final class HardSwishTests: XCTestCase {
    // s = 3/256 makes every multiplier a power of two, so the fixed-point steps are exact and checkable by hand:
    // output multiplier 1/128 → (16384 in Q15, -6); reluish multiplier 1 → (16384, +1).
    func testParametersForPowerOfTwoScales() throws {
        let p = try HardSwishParameters(inputScale: 3.0 / 256, inputZeroPoint: 0, outputScale: 3.0 / 256,
                                        outputZeroPoint: 0)
        XCTAssertEqual(p.outputMultiplierFixedpoint, 16384)
        XCTAssertEqual(p.outputMultiplierExponent, -6)
        XCTAssertEqual(p.reluishMultiplierFixedpoint, 16384)
        XCTAssertEqual(p.reluishMultiplierExponent, 1)
    }

    func testInt8HandComputed() throws {
        // q = 100: reluish 12800 → 22784; preshift 6400; 22784·6400 / 2^15 = 4450; 4450 / 64 = 69.53 → 70.
        // q = 127: 24512 · 8128 / 2^15 = 6080 → 95. q = -100: 9984 · -6400 / 2^15 = -1950 → -30.47 → -30.
        // q = -128 (x = -1.5): reluish 8192, preshift -8192; -67108864 / 2^15 = -2048 → -32 exactly.
        let p = try HardSwishParameters(inputScale: 3.0 / 256, inputZeroPoint: 0, outputScale: 3.0 / 256,
                                        outputZeroPoint: 0)
        let out = unary([100, 127, -100, 0, -128] as [Int8]) { hardSwish(p, input: $0, output: $1, count: $2) }
        XCTAssertEqual(out, [70, 95, -30, 0, -32])
    }

    func testUInt8HandComputed() throws {
        let p = try HardSwishParameters(inputScale: 3.0 / 256, inputZeroPoint: 128, outputScale: 3.0 / 256,
                                        outputZeroPoint: 128)
        let out = unary([228, 255, 28, 128] as [UInt8]) { hardSwish(p, input: $0, output: $1, count: $2) }
        XCTAssertEqual(out, [198, 223, 98, 128])
    }

    func testTracksRealHardSwishAcrossRange() throws {
        // A wide input range (reluish left shift saturating) and an asymmetric output: within 1 LSB of the real value.
        let sIn: Float = 0.05, zIn: Int32 = -10, sOut: Float = 0.03, zOut: Int32 = -40
        let p = try HardSwishParameters(inputScale: sIn, inputZeroPoint: zIn, outputScale: sOut, outputZeroPoint: zOut)
        XCTAssertEqual(p.outputMultiplierExponent, -6)
        let input = (Int32(-128)...127).map { Int8($0) }
        let out = unary(input) { hardSwish(p, input: $0, output: $1, count: $2) }
        for (q, y) in zip(input, out) {
            let x = Double(sIn) * Double(Int32(q) - zIn)
            let real = x * min(max(x + 3, 0), 6) / 6
            let ideal = min(max((real / Double(sOut)).rounded() + Double(zOut), -128), 127)
            XCTAssertLessThanOrEqual(abs(Double(y) - ideal), 1, "q=\(q)")
        }
    }

    func testRejectsOutputMultiplierAboveOne() {
        XCTAssertThrowsError(try HardSwishParameters(inputScale: 10, inputZeroPoint: 0, outputScale: 0.01,
                                                     outputZeroPoint: 0))
    }
}

final class LeakyReluTests: XCTestCase {
    func testInt8HandComputed() {
        // Identity multiplier 0.5/0.25 = 2 → (2^30, 2); alpha multiplier 0.5·0.5/0.25 = 1 → (2^30, 1).
        let p = LeakyReluParameters(alpha: 0.5, inputScale: 0.5, inputZeroPoint: 0, outputScale: 0.25,
                                    outputZeroPoint: 0)
        XCTAssertEqual(p.identityMultiplier, QuantizedMultiplier(multiplier: 1 << 30, shift: 2))
        XCTAssertEqual(p.alphaMultiplier, QuantizedMultiplier(multiplier: 1 << 30, shift: 1))
        let out = unary([3, -3, 100, -128, 0] as [Int8]) { leakyRelu(p, input: $0, output: $1, count: $2) }
        XCTAssertEqual(out, [6, -3, 127, -128, 0])
    }

    func testZeroPointsAreSubtractedAndAdded() {
        let p = LeakyReluParameters(alpha: 0.5, inputScale: 0.5, inputZeroPoint: 10, outputScale: 0.25,
                                    outputZeroPoint: -5)
        XCTAssertEqual(unary([13, 7, 10] as [Int8]) { leakyRelu(p, input: $0, output: $1, count: $2) }, [1, -8, -5])
    }

    func testUInt8MatchesIndependentReference() {
        let alpha: Float = 0.2, sIn: Float = 0.047, sOut: Float = 0.031
        let p = LeakyReluParameters(alpha: alpha, inputScale: sIn, inputZeroPoint: 120, outputScale: sOut,
                                    outputZeroPoint: 60)
        // Both real multipliers are float expressions in TFLite.
        let mAlpha = refQuantizeMultiplier(Double(sIn * alpha / sOut))
        let mIdentity = refQuantizeMultiplier(Double(sIn / sOut))
        let input = (0...255).map { UInt8($0) }
        let out = unary(input) { leakyRelu(p, input: $0, output: $1, count: $2) }
        for (q, y) in zip(input, out) {
            let x = Int32(q) - 120
            let scaled = x >= 0 ? refRescale(x, mIdentity.multiplier, mIdentity.shift)
                : refRescale(x, mAlpha.multiplier, mAlpha.shift)
            XCTAssertEqual(Int32(y), clamp(60 + scaled, 0, 255), "q=\(q)")
        }
    }

    func testNegativeAlpha() {
        // alpha = -0.5: x = -1.5 → 0.75 → 3 at scale 0.25.
        let p = LeakyReluParameters(alpha: -0.5, inputScale: 0.5, inputZeroPoint: 0, outputScale: 0.25,
                                    outputZeroPoint: 0)
        XCTAssertEqual(p.alphaMultiplier, QuantizedMultiplier(multiplier: -(1 << 30), shift: 1))
        XCTAssertEqual(unary([-3, 2] as [Int8]) { leakyRelu(p, input: $0, output: $1, count: $2) }, [3, 4])
    }
}

final class ReluTests: XCTestCase {
    func testRelu6WithRescale() {
        // Multiplier 0.1/0.05 = 2; bounds -128 + round(0) and -128 + round(6/0.05) = -8.
        let p = ReluParameters(kind: .relu6, type: .int8, inputScale: 0.1, inputZeroPoint: 0, outputScale: 0.05,
                               outputZeroPoint: -128)
        XCTAssertEqual(p.outputMin, -128)
        XCTAssertEqual(p.outputMax, -8)
        XCTAssertEqual(unary([10, -5, 100, 0] as [Int8]) { relu(p, input: $0, output: $1, count: $2) },
                       [-108, -128, -8, -128])
    }

    func testReluHasNoUpperBound() {
        let p = ReluParameters(kind: .relu, type: .uint8, inputScale: 0.5, inputZeroPoint: 100, outputScale: 0.5,
                               outputZeroPoint: 100)
        XCTAssertEqual(p.outputMin, 100)
        XCTAssertEqual(p.outputMax, 255)
        XCTAssertEqual(unary([0, 99, 100, 101, 255] as [UInt8]) { relu(p, input: $0, output: $1, count: $2) },
                       [100, 100, 100, 101, 255])
    }

    func testReluN1To1UInt8() {
        let p = ReluParameters(kind: .reluN1To1, type: .uint8, inputScale: 1.0 / 64, inputZeroPoint: 128,
                               outputScale: 1.0 / 64, outputZeroPoint: 128)
        XCTAssertEqual(p.outputMin, 64)
        XCTAssertEqual(p.outputMax, 192)
        XCTAssertEqual(unary([0, 255, 150, 64] as [UInt8]) { relu(p, input: $0, output: $1, count: $2) },
                       [64, 192, 150, 64])
    }

    func testReluMatchesIndependentReferenceWithOddScales() {
        let sIn: Float = 0.0731, sOut: Float = 0.0417
        let p = ReluParameters(kind: .relu6, type: .int8, inputScale: sIn, inputZeroPoint: -3, outputScale: sOut,
                               outputZeroPoint: -100)
        let m = refQuantizeMultiplier(Double(sIn / sOut))
        let hi = min(127, -100 + Int32(roundf(6 / sOut)))
        let input = (Int32(-128)...127).map { Int8($0) }
        let out = unary(input) { relu(p, input: $0, output: $1, count: $2) }
        for (q, y) in zip(input, out) {
            XCTAssertEqual(Int32(y), clamp(-100 + refRescale(Int32(q) + 3, m.multiplier, m.shift), -100, hi))
        }
    }
}
