import Kernels
import XCTest

/// Eigen's float tanh, logistic and GEMV order as LiteRT 2.3's float LSTM computes them. The expected bit patterns
/// come from an emulation that reproduced LiteRT's reference LSTM bit for bit on every shape tried (cells 1–13,
/// inputs 3–20, batches 1–3), and show where the approximations differ from the C library.
final class EigenFloatMathTests: XCTestCase {
    private let inputs: [UInt32] = [0xC2F0_0000, 0xC1F4_0000, 0xC0E8_0000, 0xBFC0_0000, 0xBE99_999A, 0xB727_C5AC, 0x0,
                                    0x3951_B717, 0x3F40_0000, 0x3F80_0000, 0x4079_999A, 0x4108_0000, 0x4188_0000]

    func testTanh() {
        let expected: [UInt32] = [0xBF80_0000, 0xBF80_0000, 0xBF7F_FFEF, 0xBF67_B7CD, 0xBE95_26EE, 0xB727_C5AC, 0x0,
                                  0x3951_B717, 0x3F22_991F, 0x3F42_F7D6, 0x3F7F_CA50, 0x3F80_0000, 0x3F80_0000]
        XCTAssertEqual(inputs.map { EigenFloatMath.tanh(Float(bitPattern: $0)).bitPattern }, expected)
    }

    func testLogisticPacketAndScalarPaths() {
        let packet: [UInt32] = [0x0, 0x297F_9C32, 0x3A3A_092B, 0x3E3A_CDC2, 0x3ED9_E2A9, 0x3EFF_FFAC, 0x3F00_0000,
                                0x3F00_0347, 0x3F2D_DEA9, 0x3F3B_26A7, 0x3F7A_EBBF, 0x3F7F_F2AB, 0x3F80_0000]
        let scalar: [UInt32] = [0x0, 0x297F_9C32, 0x3A3A_092D, 0x3E3A_CDC1, 0x3ED9_E2AB, 0x3EFF_FFAC, 0x3F00_0000,
                                0x3F00_0347, 0x3F2D_DEA8, 0x3F3B_26A8, 0x3F7A_EBBF, 0x3F7F_F2AB, 0x3F80_0000]
        XCTAssertEqual(inputs.map { EigenFloatMath.logisticPacket(Float(bitPattern: $0)).bitPattern }, packet)
        XCTAssertEqual(inputs.map { EigenFloatMath.logisticScalar(Float(bitPattern: $0)).bitPattern }, scalar)
    }

    /// The four-lane form is the one-lane form lane for lane, over the test inputs, a sweep of bit patterns across the
    /// whole range, infinities and NaN (which gives NaN instead of trapping).
    func testLogisticPacket4MatchesTheOneLaneForm() {
        var values = inputs.map { Float(bitPattern: $0) } + [.infinity, -.infinity, .nan, -0.0, 16.6355324, -104, -103.9]
        var bits: UInt32 = 0x0000_1234
        for _ in 0..<4000 {
            bits = bits &* 1_664_525 &+ 1_013_904_223
            let v = Float(bitPattern: bits)
            if v.isFinite { values.append(v) }
            values.append(Float(bitPattern: bits >> 8) - 4e6)
        }
        while values.count % 4 != 0 { values.append(0.25) }
        for i in stride(from: 0, to: values.count, by: 4) {
            let lanes = EigenFloatMath.logisticPacket4(SIMD4(values[i], values[i + 1], values[i + 2], values[i + 3]))
            for l in 0..<4 {
                let one = EigenFloatMath.logisticPacket(values[i + l])
                if one.isNaN {
                    XCTAssertTrue(lanes[l].isNaN, "\(values[i + l])")
                } else {
                    XCTAssertEqual(lanes[l].bitPattern, one.bitPattern, "\(values[i + l])")
                }
            }
        }
    }

    /// The packet/scalar split follows the destination's place relative to 16-byte boundaries.
    func testLogisticVectorSplitsAtPacketBoundaries() {
        let x = inputs.map { Float(bitPattern: $0) }
        var out = [Float](repeating: 0, count: x.count)
        for offset in 0..<4 {
            EigenFloatMath.logistic(x, &out, count: x.count, offset: offset)
            let head = (4 - offset % 4) % 4, bodyEnd = head + (x.count - head) / 4 * 4
            for i in x.indices {
                let packet = i >= head && i < bodyEnd
                let expected = packet ? EigenFloatMath.logisticPacket(x[i]) : EigenFloatMath.logisticScalar(x[i])
                XCTAssertEqual(out[i].bitPattern, expected.bitPattern, "offset \(offset) element \(i)")
            }
        }
    }

    func testDotFollowsEigensSummationOrder() {
        let w: [UInt32] = [0xBFDD_70A3, 0xBFAE_147A, 0xBF7D_70A2, 0xBF1E_B850, 0xBE7F_FFF8, 0x3DF5_C2A0, 0x3EFA_E150,
                           0x3F5C_28F8, 0x3F9D_70A4, 0x3FCC_CCCE, 0x3FFC_28F8, 0x4015_C290, 0x402D_70A4]
        let v: [UInt32] = [0x4053_3333, 0x3F61_FBA9, 0xC034_F993, 0xC019_5122, 0x3FC5_E6C0, 0x404E_415C, 0x3E36_53BE,
                           0xC048_28A5, 0xBFEC_F5BA, 0x4008_C5B6, 0x403F_A71B, 0xBF08_F421, 0xC051_F866]
        let row = w.map { Float(bitPattern: $0) }, vector = v.map { Float(bitPattern: $0) }
        // Sequential summation gives 0xC1054048; Eigen's four lanes plus pairwise reduction and tail give …4A.
        XCTAssertEqual(EigenFloatMath.dot(row, vector, count: 13).bitPattern, 0xC105_404A)
        var sequential: Float = 0
        for k in 0..<13 { sequential += row[k] * vector[k] }
        XCTAssertEqual(sequential.bitPattern, 0xC105_4048)
        // Fewer than four columns: plain left-to-right.
        XCTAssertEqual(EigenFloatMath.dot(row, vector, count: 3), (row[0] * vector[0] + row[1] * vector[1]) + row[2] * vector[2])
    }
}
