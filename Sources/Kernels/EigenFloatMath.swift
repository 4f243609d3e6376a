// The float arithmetic LiteRT's float LSTM gets from Eigen (the version LiteRT 2.3 builds with, SSE packets of 4,
// no FMA), reproduced operation for operation so results are bit-identical. Established against LiteRT 2.3.0's
// reference resolver on LSTMs of many shapes (docs in Tests/Fixtures/conformance/README.md):
// - tensor_utils::ApplyTanhToVector is `array().tanh()`: Eigen's ptanh_float, the 9/8 rational approximation
//   (EIGEN_FAST_MATH), in packets and in the scalar tail alike.
// - ApplySigmoidToVector is `array().logistic()`: on 4-float packets the exp-halving approximation of
//   scalar_logistic_op<float>::packetOp; on the elements before the destination's first 16-byte boundary and after
//   the last full packet, the scalar operator(): expf(min(x, c)) / (1 + expf(...)), with the C library's expf.
// - The matrix products are Eigen's row-major GEMV (optimized_ops::FullyConnected with one batch): per row, 4-lane
//   partial sums over whole packets, a pairwise horizontal sum, then the remaining columns one by one.
// Constants are given by bit pattern: they are the float values the C++ literals denote.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Eigen's float tanh and logistic and its GEMV summation order, as LiteRT's float LSTM runs them.
public enum EigenFloatMath {
    /// Eigen's packet size for float in the reference build (SSE).
    public static let packetSize = 4

    /// ptanh_float: x clamped to ±7.90738964 (the non-FMA bound), then x³·P(x²) + x over Q(x²).
    @inlinable
    public static func tanh(_ value: Float) -> Float {
        let clamp = Float(bitPattern: 0x40FD_0956)
        let x = Swift.max(Swift.min(value, clamp), -clamp)
        let x2 = x * x
        let x3 = x2 * x
        var p = Float(bitPattern: 0x326F_951E)
        p = p * x2 + Float(bitPattern: 0x37B0_63DC)
        p = p * x2 + Float(bitPattern: 0x3B66_BC7F)
        p = p * x2 + Float(bitPattern: 0x3E09_3CF6)
        var q = Float(bitPattern: 0x3557_2C00)
        q = q * x2 + Float(bitPattern: 0x39AE_6D96)
        q = q * x2 + Float(bitPattern: 0x3CD4_C460)
        q = q * x2 + Float(bitPattern: 0x3EEF_4922)
        q = q * x2 + 1
        p = x3 * p + x
        return p / q
    }

    /// scalar_logistic_op<float>::packetOp for one lane: exp(x/2) by range reduction and a degree-5 polynomial,
    /// squared, then e / (1 + e); 0 below −104.
    /// NaN gives NaN (Eigen's packet gives NaN too; Swift's Int32(NaN) would trap).
    @inlinable
    public static func logisticPacket(_ value: Float) -> Float {
        if value.isNaN { return value }
        if value < Float(bitPattern: 0xC2D0_0000) { return 0 }
        var x = Swift.min(value, Float(bitPattern: 0x4185_1592))
        x = x * 0.5
        let m = (x * Float(bitPattern: 0x3FB8_AA3B) + 0.5).rounded(.down)
        var r = m * Float(bitPattern: 0xBF31_8000) + x
        r = m * Float(bitPattern: 0x395E_8083) + r
        let r2 = r * r
        let pEven = r2 * Float(bitPattern: 0x3D2B_9DF0) + Float(bitPattern: 0x3EFF_FEE0)
        let pOdd = r2 * Float(bitPattern: 0x3C08_8E52) + Float(bitPattern: 0x3E2A_AB38)
        let pLow = r + 1
        var p = r * pOdd + pEven
        p = r2 * p + pLow
        // pldexp_fast: multiply by 2^m built from the biased exponent, clamped to [0, 255].
        let biased = Swift.min(Swift.max(Int32(m) + 127, 0), 255)
        var e = p * Float(bitPattern: UInt32(biased) << 23)
        e = e * e
        return e / (1 + e)
    }

    /// `logisticPacket` on four lanes at once, lane for lane the same operations (so the same bits). The floor and
    /// the exponent's integer come from float additions of 1.5·2²³ and 2²³ (exact below 2²²), not from conversions:
    /// no lane can trap, and lanes the one-lane form returns early from (below −104, −∞, NaN) are replaced at the end.
    @inlinable
    public static func logisticPacket4(_ value: SIMD4<Float>) -> SIMD4<Float> {
        let high = SIMD4<Float>(repeating: Float(bitPattern: 0x4185_1592))
        // Swift.min(value, high) is `high < value ? high : value` (NaN stays NaN).
        var x = value.replacing(with: high, where: high .< value)
        x = x * 0.5
        let y = x * Float(bitPattern: 0x3FB8_AA3B) + 0.5
        let roundMagic = SIMD4<Float>(repeating: 12_582_912)
        var m = (y + roundMagic) - roundMagic
        m = m.replacing(with: m - 1, where: m .> y)
        var r = m * Float(bitPattern: 0xBF31_8000) + x
        r = m * Float(bitPattern: 0x395E_8083) + r
        let r2 = r * r
        let pEven = r2 * Float(bitPattern: 0x3D2B_9DF0) + Float(bitPattern: 0x3EFF_FEE0)
        let pOdd = r2 * Float(bitPattern: 0x3C08_8E52) + Float(bitPattern: 0x3E2A_AB38)
        let pLow = r + 1
        var p = r * pOdd + pEven
        p = r2 * p + pLow
        // pldexp_fast: 2^m from the biased exponent clamped to [0, 255].
        var biased = m + 127
        biased = biased.replacing(with: 0, where: biased .< 0)
        biased = biased.replacing(with: 255, where: biased .> 255)
        let integer = unsafeBitCast(biased + 8_388_608, to: SIMD4<UInt32>.self) &- 0x4B00_0000
        var e = p * unsafeBitCast(integer &<< 23, to: SIMD4<Float>.self)
        e = e * e
        var result = e / (1 + e)
        result.replace(with: 0, where: value .< Float(bitPattern: 0xC2D0_0000))
        result.replace(with: value, where: value .!= value)
        return result
    }

    /// scalar_logistic_op<float>::operator(): the C library's expf, then e / (1 + e).
    @inlinable
    public static func logisticScalar(_ value: Float) -> Float {
        let e = expf(Swift.min(value, Float(bitPattern: 0x4185_1592)))
        return e / (1 + e)
    }

    /// `array().logistic()` on `count` floats whose destination starts `offset` floats past a 16-byte boundary:
    /// scalar head up to the boundary, 4-float packets, scalar tail. In place is allowed.
    @inlinable
    public static func logistic(_ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, count: Int, offset: Int) {
        let head = Swift.min((packetSize - offset % packetSize) % packetSize, count)
        let bodyEnd = head + (count - head) / packetSize * packetSize
        for i in 0..<head { destination[i] = logisticScalar(source[i]) }
        var i = head
        while i < bodyEnd {
            let v = logisticPacket4(UnsafeRawPointer(source + i).loadUnaligned(as: SIMD4<Float>.self))
            UnsafeMutableRawPointer(destination + i).storeBytes(of: v, as: SIMD4<Float>.self)
            i += packetSize
        }
        for i in bodyEnd..<count { destination[i] = logisticScalar(source[i]) }
    }

    /// One row of Eigen's row-major GEMV: Σ row[k]·vector[k] in its summation order.
    @inlinable
    public static func dot(_ row: UnsafePointer<Float>, _ vector: UnsafePointer<Float>, count: Int) -> Float {
        var sum: Float = 0
        var j = 0
        if count >= 4 {
            var c0 = row[0] * vector[0], c1 = row[1] * vector[1], c2 = row[2] * vector[2], c3 = row[3] * vector[3]
            j = 4
            while j + 4 <= count {
                c0 = row[j] * vector[j] + c0
                c1 = row[j + 1] * vector[j + 1] + c1
                c2 = row[j + 2] * vector[j + 2] + c2
                c3 = row[j + 3] * vector[j + 3] + c3
                j += 4
            }
            sum = (c0 + c2) + (c1 + c3)
        }
        while j < count {
            sum = sum + row[j] * vector[j]
            j += 1
        }
        return sum
    }
}
