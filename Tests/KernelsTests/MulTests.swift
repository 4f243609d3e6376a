import Kernels
import XCTest

final class MulTests: XCTestCase {
    func testMulHandComputedExactMultiplier() throws {
        // 0.5 · 0.25 / 0.125 = 1 exactly: (2^30, 1), so the output is the plain product, saturated.
        let p = try MulParameters(input1Shape: [4], input2Shape: [4], input1Scale: 0.5, input1ZeroPoint: 0,
                                  input2Scale: 0.25, input2ZeroPoint: 0, outputScale: 0.125, outputZeroPoint: 0,
                                  activation: .none, qmin: -128, qmax: 127)
        XCTAssertEqual(p.outputMultiplier, QuantizedMultiplier(multiplier: 1 << 30, shift: 1))
        let out = binary([3, -5, 127, -128] as [Int8], [7, 9, 127, 127], outputCount: 4) {
            multiply(p, input1: $0, input2: $1, output: $2)
        }
        XCTAssertEqual(out, [21, -45, 127, -128])
    }

    func testMulMultiplierIsComputedInFloatLikeMulCC() throws {
        // mul.cc: `double real_multiplier = s1 * s2 / s_out` with float operands. For these scales the float and
        // double quotients quantise differently (1840700288 vs 1840700362); TFLite gets the float one.
        let p = try MulParameters(input1Shape: [1], input2Shape: [1], input1Scale: 0.1, input1ZeroPoint: 0,
                                  input2Scale: 0.3, input2ZeroPoint: 0, outputScale: 0.07, outputZeroPoint: 0,
                                  activation: .none, qmin: -128, qmax: 127)
        XCTAssertEqual(p.outputMultiplier, QuantizedMultiplier(multiplier: 1_840_700_288, shift: -1))
        let s1: Float = 0.1, s2: Float = 0.3, so: Float = 0.07
        let fromFloat = refQuantizeMultiplier(Double(s1 * s2 / so))
        XCTAssertEqual(p.outputMultiplier.multiplier, fromFloat.multiplier)
    }

    func testMulInt8MatchesIndependentReference() throws {
        let s1: Float = 0.0123, s2: Float = 0.0456, so: Float = 0.0789
        let z1: Int32 = 5, z2: Int32 = -20, zo: Int32 = -3
        var rng = SplitMix(seed: 3)
        let a: [Int8] = randomValues(3000, &rng), b: [Int8] = randomValues(3000, &rng)
        let p = try MulParameters(input1Shape: [3000], input2Shape: [3000], input1Scale: s1, input1ZeroPoint: z1,
                                  input2Scale: s2, input2ZeroPoint: z2, outputScale: so, outputZeroPoint: zo,
                                  activation: .none, qmin: -128, qmax: 127)
        let m = refQuantizeMultiplier(Double(s1 * s2 / so))
        let out = binary(a, b, outputCount: 3000) { multiply(p, input1: $0, input2: $1, output: $2) }
        for i in 0..<3000 {
            let product = (Int32(a[i]) - z1) * (Int32(b[i]) - z2)
            XCTAssertEqual(Int32(out[i]), clamp(refRescale(product, m.multiplier, m.shift) + zo, -128, 127))
        }
    }

    func testMulUInt8BroadcastWithRelu() throws {
        // uint8, input 2 is a per-channel vector broadcast over [1, 2, 3].
        let s1: Float = 0.05, s2: Float = 0.02, so: Float = 0.03
        let p = try MulParameters(input1Shape: [1, 2, 3], input2Shape: [1, 1, 3], input1Scale: s1,
                                  input1ZeroPoint: 128, input2Scale: s2, input2ZeroPoint: 128, outputScale: so,
                                  outputZeroPoint: 128, activation: .relu, qmin: 0, qmax: 255)
        XCTAssertEqual(p.outputMin, 128)
        let a: [UInt8] = [0, 100, 200, 255, 128, 60]
        let b: [UInt8] = [255, 0, 140]
        let m = refQuantizeMultiplier(Double(s1 * s2 / so))
        let out = binary(a, b, outputCount: 6) { multiply(p, input1: $0, input2: $1, output: $2) }
        for i in 0..<6 {
            let product = (Int32(a[i]) - 128) * (Int32(b[i % 3]) - 128)
            XCTAssertEqual(Int32(out[i]), clamp(refRescale(product, m.multiplier, m.shift) + 128, 128, 255))
        }
        XCTAssertEqual(out[0], 128, "negative product clamped by RELU")
    }

    func testMulTinyMultiplierGivesZeroPoint() throws {
        // s1·s2/s_out below 2^-32: QuantizeMultiplier yields (0, 0) and every output is the zero point.
        let p = try MulParameters(input1Shape: [3], input2Shape: [3], input1Scale: 1e-6, input1ZeroPoint: 0,
                                  input2Scale: 1e-6, input2ZeroPoint: 0, outputScale: 100, outputZeroPoint: 7,
                                  activation: .none, qmin: -128, qmax: 127)
        XCTAssertEqual(p.outputMultiplier, QuantizedMultiplier(multiplier: 0, shift: 0))
        XCTAssertEqual(binary([127, -128, 5] as [Int8], [127, 127, -5], outputCount: 3) {
            multiply(p, input1: $0, input2: $1, output: $2)
        }, [7, 7, 7])
    }
}

final class FloatElementwiseTests: XCTestCase {
    func testFloatSubtractBroadcastAndActivation() throws {
        let p = try FloatBinaryParameters(input1Shape: [2, 3], input2Shape: [3], activation: .none)
        let out = binary([1, 2, 3, 4, 5, 6] as [Float], [0.5, 1, 1.5], outputCount: 6) {
            subtract(p, input1: $0, input2: $1, output: $2)
        }
        XCTAssertEqual(out, [0.5, 1, 1.5, 3.5, 4, 4.5])
        let relu6 = try FloatBinaryParameters(input1Shape: [3], input2Shape: [], activation: .relu6)
        XCTAssertEqual(binary([-1, 3, 10] as [Float], [1], outputCount: 3) {
            subtract(relu6, input1: $0, input2: $1, output: $2)
        }, [0, 2, 6])
    }

    func testFloatMultiplyStandardisesFeatures() throws {
        // (x - mean) * inv_std per feature, the exporter's use: [2, 2] with per-column [2] vectors.
        let sub = try FloatBinaryParameters(input1Shape: [2, 2], input2Shape: [2], activation: .none)
        let centred = binary([10, 100, 14, 300] as [Float], [12, 200], outputCount: 4) {
            subtract(sub, input1: $0, input2: $1, output: $2)
        }
        let mul = try FloatBinaryParameters(input1Shape: [2, 2], input2Shape: [2], activation: .none)
        let scaled = binary(centred, [0.5, 0.01], outputCount: 4) { multiply(mul, input1: $0, input2: $1, output: $2) }
        XCTAssertEqual(scaled, [-1, -1, 1, 1])
    }

    func testFloatClampMatchesTFLiteForInfinityAndNaN() throws {
        // Without activation TFLite still clamps to ±FLT_MAX; NaN passes through std::min/std::max.
        let p = try FloatBinaryParameters(input1Shape: [3], input2Shape: [3], activation: .none)
        let out = binary([Float.greatestFiniteMagnitude, -Float.infinity, .nan], [2, 1, 1], outputCount: 3) {
            multiply(p, input1: $0, input2: $1, output: $2)
        }
        XCTAssertEqual(out[0], Float.greatestFiniteMagnitude)
        XCTAssertEqual(out[1], -Float.greatestFiniteMagnitude)
        XCTAssertTrue(out[2].isNaN)
    }
}
