import Kernels
import XCTest

/// ADD/SUB as add.cc + reference add.h compute them, in Int64 from the float scales.
private func refAddSub<T: FixedWidthInteger>(
    _ a: T, _ b: T, s1: Float, z1: Int32, s2: Float, z2: Int32, so: Float, zo: Int32,
    lo: Int32, hi: Int32, subtract: Bool
) -> T {
    let twiceMax = 2 * Double(max(s1, s2))
    let m1 = refQuantizeMultiplier(Double(s1) / twiceMax)
    let m2 = refQuantizeMultiplier(Double(s2) / twiceMax)
    let mo = refQuantizeMultiplier(twiceMax / (Double(1 << 20) * Double(so)))
    let x = refRescale((Int32(a) - z1) << 20, m1.multiplier, m1.shift)
    let y = refRescale((Int32(b) - z2) << 20, m2.multiplier, m2.shift)
    let raw = subtract ? x - y : x + y
    return T(clamp(refRescale(raw, mo.multiplier, mo.shift) + zo, lo, hi))
}

final class AddSubTests: XCTestCase {
    func testAddHandComputedRoundsHalfAwayFromZero() throws {
        // s = 0.5 for both inputs, output scale 1: real sums 3.5, -3.5, 0.5, 5.
        let p = try AddParameters(input1Shape: [4], input2Shape: [4], input1Scale: 0.5, input1ZeroPoint: 0,
                                  input2Scale: 0.5, input2ZeroPoint: 0, outputScale: 1, outputZeroPoint: 0,
                                  activation: .none, qmin: -128, qmax: 127)
        // Input multipliers are exactly 1/2, the output one 2^-20: (2^30, 0) and (2^30, -19).
        XCTAssertEqual(p.input1Multiplier, QuantizedMultiplier(multiplier: 1 << 30, shift: 0))
        XCTAssertEqual(p.outputMultiplier, QuantizedMultiplier(multiplier: 1 << 30, shift: -19))
        let out = binary([3, -3, 1, 5] as [Int8], [4, -4, 0, 5], outputCount: 4) {
            add(p, input1: $0, input2: $1, output: $2)
        }
        XCTAssertEqual(out, [4, -4, 1, 5])
    }

    func testSubtractHandComputed() throws {
        let p = try SubParameters(input1Shape: [3], input2Shape: [3], input1Scale: 0.5, input1ZeroPoint: 0,
                                  input2Scale: 0.5, input2ZeroPoint: 0, outputScale: 1, outputZeroPoint: 0,
                                  activation: .none, qmin: -128, qmax: 127)
        // Real differences: -0.5, 0.5, 7.
        let out = binary([3, 4, 10] as [Int8], [4, 3, -4], outputCount: 3) {
            subtract(p, input1: $0, input2: $1, output: $2)
        }
        XCTAssertEqual(out, [-1, 1, 7])
    }

    func testAddInt8MatchesIndependentReferenceAndRealSum() throws {
        let s1: Float = 0.0472, s2: Float = 0.0185, so: Float = 0.0611
        let z1: Int32 = -7, z2: Int32 = 19, zo: Int32 = 3
        var rng = SplitMix(seed: 1)
        let a: [Int8] = randomValues(2000, &rng), b: [Int8] = randomValues(2000, &rng)
        let p = try AddParameters(input1Shape: [2000], input2Shape: [2000], input1Scale: s1, input1ZeroPoint: z1,
                                  input2Scale: s2, input2ZeroPoint: z2, outputScale: so, outputZeroPoint: zo,
                                  activation: .none, qmin: -128, qmax: 127)
        let out = binary(a, b, outputCount: 2000) { add(p, input1: $0, input2: $1, output: $2) }
        for i in 0..<2000 {
            let expected: Int8 = refAddSub(a[i], b[i], s1: s1, z1: z1, s2: s2, z2: z2, so: so, zo: zo,
                                           lo: -128, hi: 127, subtract: false)
            XCTAssertEqual(out[i], expected, "element \(i)")
            let real = Double(s1) * Double(Int32(a[i]) - z1) + Double(s2) * Double(Int32(b[i]) - z2)
            let ideal = min(max((real / Double(so)).rounded() + Double(zo), -128), 127)
            XCTAssertLessThanOrEqual(abs(Double(out[i]) - ideal), 1, "element \(i)")
        }
    }

    func testSubtractUInt8MatchesIndependentReference() throws {
        let s1: Float = 0.031, s2: Float = 0.057, so: Float = 0.09
        let z1: Int32 = 128, z2: Int32 = 100, zo: Int32 = 140
        var rng = SplitMix(seed: 2)
        let a: [UInt8] = randomValues(1000, &rng), b: [UInt8] = randomValues(1000, &rng)
        let p = try SubParameters(input1Shape: [10, 100], input2Shape: [10, 100], input1Scale: s1,
                                  input1ZeroPoint: z1, input2Scale: s2, input2ZeroPoint: z2, outputScale: so,
                                  outputZeroPoint: zo, activation: .none, qmin: 0, qmax: 255)
        let out = binary(a, b, outputCount: 1000) { subtract(p, input1: $0, input2: $1, output: $2) }
        for i in 0..<1000 {
            let expected: UInt8 = refAddSub(a[i], b[i], s1: s1, z1: z1, s2: s2, z2: z2, so: so, zo: zo,
                                            lo: 0, hi: 255, subtract: true)
            XCTAssertEqual(out[i], expected, "element \(i)")
        }
    }

    func testAddBroadcastsLikeNumPy() throws {
        // [2, 1, 3] + [4, 1] → [2, 4, 3]; unit scales make the result the plain integer sum.
        let p = try AddParameters(input1Shape: [2, 1, 3], input2Shape: [4, 1], input1Scale: 1, input1ZeroPoint: 0,
                                  input2Scale: 1, input2ZeroPoint: 0, outputScale: 1, outputZeroPoint: 0,
                                  activation: .none, qmin: -128, qmax: 127)
        XCTAssertEqual(p.broadcast.outputShape, [2, 4, 3])
        XCTAssertTrue(p.broadcast.needsBroadcast)
        let a: [Int8] = [0, 1, 2, 10, 11, 12]
        let b: [Int8] = [0, 20, 40, 60]
        let out = binary(a, b, outputCount: 24) { add(p, input1: $0, input2: $1, output: $2) }
        var expected: [Int8] = []
        for i in 0..<2 { for j in 0..<4 { for k in 0..<3 { expected.append(a[i * 3 + k] + b[j]) } } }
        XCTAssertEqual(out, expected)
    }

    func testSubtractBroadcastsScalarOnEitherSide() throws {
        let left = try SubParameters(input1Shape: [], input2Shape: [2, 2], input1Scale: 1, input1ZeroPoint: 0,
                                     input2Scale: 1, input2ZeroPoint: 0, outputScale: 1, outputZeroPoint: 0,
                                     activation: .none, qmin: -128, qmax: 127)
        XCTAssertEqual(binary([10] as [Int8], [1, 2, 3, 4], outputCount: 4) {
            subtract(left, input1: $0, input2: $1, output: $2)
        }, [9, 8, 7, 6])
        let right = try SubParameters(input1Shape: [2, 2], input2Shape: [1], input1Scale: 1, input1ZeroPoint: 0,
                                      input2Scale: 1, input2ZeroPoint: 0, outputScale: 1, outputZeroPoint: 0,
                                      activation: .none, qmin: -128, qmax: 127)
        XCTAssertEqual(binary([1, 2, 3, 4] as [Int8], [10], outputCount: 4) {
            subtract(right, input1: $0, input2: $1, output: $2)
        }, [-9, -8, -7, -6])
    }

    func testAddUInt8BroadcastMatchesReference() throws {
        let s1: Float = 0.02, s2: Float = 0.1, so: Float = 0.05
        let p = try AddParameters(input1Shape: [1, 2, 2, 3], input2Shape: [3], input1Scale: s1, input1ZeroPoint: 128,
                                  input2Scale: s2, input2ZeroPoint: 120, outputScale: so, outputZeroPoint: 128,
                                  activation: .none, qmin: 0, qmax: 255)
        let a: [UInt8] = [0, 50, 100, 128, 150, 200, 255, 1, 2, 3, 129, 130]
        let b: [UInt8] = [0, 120, 255]
        let out = binary(a, b, outputCount: 12) { add(p, input1: $0, input2: $1, output: $2) }
        for i in 0..<12 {
            XCTAssertEqual(out[i], refAddSub(a[i], b[i % 3], s1: s1, z1: 128, s2: s2, z2: 120, so: so, zo: 128,
                                             lo: 0, hi: 255, subtract: false))
        }
    }

    func testAddFusedRelu6ClampsToActivationRange() throws {
        // Output scale 0.1, zero point -10: RELU6 keeps [-10, 50].
        let p = try AddParameters(input1Shape: [4], input2Shape: [4], input1Scale: 0.1, input1ZeroPoint: 0,
                                  input2Scale: 0.1, input2ZeroPoint: 0, outputScale: 0.1, outputZeroPoint: -10,
                                  activation: .relu6, qmin: -128, qmax: 127)
        XCTAssertEqual(p.outputMin, -10)
        XCTAssertEqual(p.outputMax, 50)
        let out = binary([-50, 10, 40, 100] as [Int8], [-50, 5, 40, 100], outputCount: 4) {
            add(p, input1: $0, input2: $1, output: $2)
        }
        // Real: -10 → 0 (clamped), 1.5 → 5, 8 → 6 (clamped), 20 → 6 (clamped).
        XCTAssertEqual(out, [-10, 5, 50, 50])
    }

    func testAddSaturatesAtTypeLimits() throws {
        let p = try AddParameters(input1Shape: [2], input2Shape: [2], input1Scale: 1, input1ZeroPoint: 0,
                                  input2Scale: 1, input2ZeroPoint: 0, outputScale: 1, outputZeroPoint: 0,
                                  activation: .none, qmin: -128, qmax: 127)
        XCTAssertEqual(binary([127, -128] as [Int8], [127, -128], outputCount: 2) {
            add(p, input1: $0, input2: $1, output: $2)
        }, [127, -128])
    }

    func testAddRunsInPlaceOnNonBroadcastInput() throws {
        let p = try AddParameters(input1Shape: [3], input2Shape: [3], input1Scale: 1, input1ZeroPoint: 0,
                                  input2Scale: 1, input2ZeroPoint: 0, outputScale: 1, outputZeroPoint: 0,
                                  activation: .none, qmin: -128, qmax: 127)
        var a: [Int8] = [1, 2, 3]
        let b: [Int8] = [10, 20, 30]
        a.withUnsafeMutableBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                add(p, input1: UnsafePointer(pa.baseAddress!), input2: pb.baseAddress!, output: pa.baseAddress!)
            }
        }
        XCTAssertEqual(a, [11, 22, 33])
    }

    func testIncompatibleShapesThrow() {
        XCTAssertThrowsError(try AddParameters(input1Shape: [2, 3], input2Shape: [4], input1Scale: 1,
                                               input1ZeroPoint: 0, input2Scale: 1, input2ZeroPoint: 0, outputScale: 1,
                                               outputZeroPoint: 0, activation: .none, qmin: -128, qmax: 127))
        XCTAssertThrowsError(try BroadcastShape(input1Shape: [1, 1, 1, 1, 1, 1, 2], input2Shape: [2]))
    }
}
