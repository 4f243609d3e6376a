import Kernels
import XCTest

/// Eigen's GEMM summation order as LiteRT 2.3's float LSTM runs it for several batches at once
/// (`EigenFloatMath.gemm`). The expected bit patterns come from an emulation that reproduced LiteRT's reference
/// time-major LSTM bit for bit on every shape tried (cells 1–13, inputs 3–20, batches 2–5).
final class EigenFloatGEMMTests: XCTestCase {
    /// w[i, k] = ((7i + 13k) mod 23 − 11) / 7, x[j, k] = ((5j + 3k) mod 19 − 9) / 3: exact small fractions whose
    /// products round, so the summation order shows in the last bits.
    private func operands(rows: Int, depth: Int, columns: Int) -> ([Float], [Float]) {
        var w = [Float](repeating: 0, count: rows * depth), x = [Float](repeating: 0, count: columns * depth)
        for i in 0..<rows { for k in 0..<depth { w[i * depth + k] = Float((i * 7 + k * 13) % 23 - 11) / 7 } }
        for j in 0..<columns { for k in 0..<depth { x[j * depth + k] = Float((j * 5 + k * 3) % 19 - 9) / 3 } }
        return (w, x)
    }

    private func product(rows: Int, depth: Int, columns: Int, reference: Bool = false) -> [UInt32] {
        let (w, x) = operands(rows: rows, depth: depth, columns: columns)
        var out = [Float](repeating: .nan, count: rows * columns)
        if reference {
            EigenFloatMath.gemmReference(w, rows: rows, depth: depth, x, columns: columns, into: &out)
        } else {
            var packed = [Float](repeating: .nan, count: EigenFloatMath.gemmPackedCount(depth: depth))
            EigenFloatMath.gemm(w, rows: rows, depth: depth, x, columns: columns, into: &out, packed: &packed)
        }
        return out.map(\.bitPattern)
    }

    /// 5 + 5 + 3 < 20: the coefficient-based product (two packet accumulators, pairwise sum, tail).
    func testCoefficientBasedProductBelowTheThreshold() {
        let expected: [UInt32] = [0x4092_4924, 0xBEDB_6DAF, 0x3F92_4925, 0xC076_DB6D, 0x3F80_0000, 0x3F06_1860, 0xBFCF_3CF1,
                                  0x4033_CF3D, 0xC099_E79E, 0x4039_E79F, 0xC061_8619, 0x40AA_AAAB, 0xBD43_0C40, 0xC009_2492,
                                  0xC087_9E79]
        XCTAssertEqual(product(rows: 5, depth: 5, columns: 3), expected)
    }

    /// 13 × 13 × 5: an 8-row panel (k in order), a 4-row panel with even/odd accumulators, a last row with four
    /// accumulators, and a fifth column outside the 4-column panel (k in order).
    func testBlockedProductFollowsEachMicroKernel() {
        let expected: [UInt32] = [
            0x4086_1861, 0xC01E_79E8, 0xC024_9249, 0xC0BE_79E6, 0xC030_C30E, 0x40E0_0002, 0xC129_E79F, 0x4144_924A,
            0x4015_5557, 0xC0AD_B6DF, 0x4140_0000, 0xC090_C30D, 0xC01B_6DB6, 0xC036_DB6F, 0x40D0_C30D, 0x3FD5_5552,
            0xC0CF_3CF2, 0x414C_30C2, 0xC043_0C30, 0x3F5B_6DAD, 0xBFE7_9E7D, 0xBF98_6183, 0xC103_CF3D, 0xBF86_1865,
            0xBFC3_0C2E, 0x3FA4_924D, 0xC0E6_1862, 0x4070_C30C, 0x3EF3_CF38, 0xC0C3_0C30, 0xC0C3_0C30, 0x3EF3_CF39,
            0x4136_DB6D, 0xC127_9E7A, 0x40E1_8618, 0x40E1_8619, 0xC127_9E7A, 0x4136_DB6E, 0x3EF3_CF26, 0x40D2_4926,
            0xBFDB_6DBA, 0xC05B_6DB5, 0x4146_1861, 0xC0DB_6DB8, 0x3FA4_924B, 0xBFC3_0C2E, 0xBF86_1864, 0xC103_CF3D,
            0xBF98_6183, 0xBFE7_9E7E, 0x3F5B_6DBC, 0xC043_0C30, 0x40BB_6DB8, 0xC0E6_1861, 0x40E4_9249, 0xC027_9E7A,
            0xC0B9_E79E, 0xC01B_6DB6, 0xC090_C30D, 0x4140_0000, 0xC0AD_B6DC, 0x4015_5554, 0x4144_924A, 0xC129_E79E,
            0x40DF_FFFE,
        ]
        let got = product(rows: 13, depth: 13, columns: 5)
        XCTAssertEqual(got, expected)
        // A left-to-right sum differs: row 8 of column 0 (4-row panel) and row 12 (the four-accumulator row).
        let (w, x) = operands(rows: 13, depth: 13, columns: 5)
        var sequential: Float = 0
        for k in 0..<13 { sequential += w[8 * 13 + k] * x[k] }
        XCTAssertEqual(sequential.bitPattern, 0x4015_5555)
        XCTAssertEqual(got[8], 0x4015_5557)
    }

    /// The fast kernel and its plain twin agree byte for byte on every shape up to 17 × 24 × 6.
    func testGEMMMatchesItsReferenceTwin() {
        for rows in 1...17 {
            for depth in 1...24 {
                for columns in 1...6 {
                    XCTAssertEqual(product(rows: rows, depth: depth, columns: columns),
                                   product(rows: rows, depth: depth, columns: columns, reference: true),
                                   "\(rows) × \(depth) × \(columns)")
                }
            }
        }
    }
}
