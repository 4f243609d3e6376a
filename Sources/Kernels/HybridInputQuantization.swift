// The per-batch input quantisation of LiteRT's hybrid kernels (tensor_utils::BatchQuantizeFloats) as its x86 build
// runs it: the NEON code through NEON_2_SSE (neon_tensor_utils.cc), so groups of eight values round with
// RoundToNearest's pre-ARMv8 form, trunc(v + (v < 0 ? −0.5 : 0.5)) with the addition rounded to float, and the
// values after the last whole group with std::round. Symmetric: scale = range / 127, values × (127 / range) in
// [−127, 127]. Asymmetric: NeonMinMax (min and max capped at zero), scale and zero point in double as
// AsymmetricQuantizeFloats computes them (max − min subtracted in float first: they are floats there), values ×
// float(1 / scale) plus the zero point in [−128, 127].
// Where C++ would convert NaN or an out-of-range float to int (undefined; x86 gives INT_MIN), this takes INT_MIN too,
// so a hostile input cannot trap.

/// BatchQuantizeFloats for one batch, symmetric or asymmetric.
public enum HybridInputQuantization {
    /// Float to int32 as cvttps / static_cast do on x86: truncation, INT_MIN for NaN and out-of-range values.
    @inlinable
    static func truncate(_ value: Float) -> Int32 {
        value > -2_147_483_904 && value < 2_147_483_648 ? Int32(value) : Int32.min
    }

    /// NEON_2_SSE's RoundToNearest on one lane.
    @inlinable
    static func roundVectorLane(_ value: Float) -> Int32 {
        truncate(value + (value < 0 ? -0.5 : 0.5))
    }

    /// std::round then the conversion to int32.
    @inlinable
    static func roundScalar(_ value: Float) -> Int32 { truncate(value.rounded()) }

    /// SymmetricQuantizeFloats: returns the scaling factor (1 when every value is zero).
    @inlinable
    public static func symmetric(_ values: UnsafePointer<Float>, count: Int, into quantized: UnsafeMutablePointer<Int8>) -> Float {
        // std::minmax_element: the first minimum and the last maximum, by operator<.
        var low = values[0], high = values[0]
        for i in 1..<count {
            if values[i] < low { low = values[i] }
            if !(values[i] < high) { high = values[i] }
        }
        let range = Swift.max(abs(low), abs(high))
        if range == 0 {
            quantized.update(repeating: 0, count: count)
            return 1
        }
        let factor = Float(127) / range
        let groups = count / 8 * 8
        for i in 0..<count {
            let scaled = values[i] * factor
            let q = i < groups ? roundVectorLane(scaled) : roundScalar(scaled)
            quantized[i] = Int8(Swift.min(127, Swift.max(-127, q)))
        }
        return range / 127
    }

    /// AsymmetricQuantizeFloats: returns the scaling factor and the zero point (1 and 0 when min == max).
    @inlinable
    public static func asymmetric(_ values: UnsafePointer<Float>, count: Int,
                                  into quantized: UnsafeMutablePointer<Int8>) -> (scale: Float, zeroPoint: Int32) {
        var low: Float = 0, high: Float = 0
        for i in 0..<count {
            low = Swift.min(low, values[i])
            high = Swift.max(high, values[i])
        }
        if low == high {
            quantized.update(repeating: 0, count: count)
            return (1, 0)
        }
        let qmin = -128.0, qmax = 127.0
        // rmax − rmin are floats in LiteRT: their difference rounds to float before the division in double.
        let scale = Double(high - low) / (qmax - qmin)
        let fromMin = qmin - Double(low) / scale, fromMax = qmax - Double(high) / scale
        let errorMin = abs(qmin) + abs(Double(low) / scale), errorMax = abs(qmax) + abs(Double(high) / scale)
        let zeroPointDouble = errorMin < errorMax ? fromMin : fromMax
        let zeroPoint: Int32
        if zeroPointDouble <= qmin {
            zeroPoint = -128
        } else if zeroPointDouble >= qmax {
            zeroPoint = 127
        } else if zeroPointDouble.isNaN {
            zeroPoint = 0
        } else {
            zeroPoint = Int32(zeroPointDouble.rounded())
        }
        let scaleFloat = Float(scale)
        let factor = scaleFloat == 0 ? 0 : Float(1.0 / Double(scaleFloat))
        let groups = count / 8 * 8
        for i in 0..<count {
            let scaled = values[i] * factor
            // The vector lanes add the zero point as integers, the scalar tail as a float (offset + std::round(…)).
            let q = i < groups ? roundVectorLane(scaled) &+ zeroPoint : truncate(Float(zeroPoint) + scaled.rounded())
            quantized[i] = Int8(Swift.min(127, Swift.max(-128, q)))
        }
        return (scaleFloat, zeroPoint)
    }
}
