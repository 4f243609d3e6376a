// TFLite's GetInvSqrtQuantizedMultiplierExp (internal/common.h): 1/sqrt(x) of a positive int32 as a multiplier and
// shift, by five Newton–Raphson steps in gemmlowp fixed point (Q3.28). L2_NORMALIZATION and int8 RSQRT use it.

/// The quantised multiplier and left shift of 1/sqrt(`input`) (`reverseShift` −1 turns TFLite's right shift into a
/// left shift, as its callers pass).
@inlinable
public func inverseSqrtQuantizedMultiplier(_ value: Int32, reverseShift: Int32 = -1) -> (multiplier: Int32, shift: Int32) {
    // 0 and 1 are handled as 1 (TFLite's special case; 0 would divide by zero).
    if value <= 1 { return (Int32.max, 0) }
    var input = value
    var shift: Int32 = 11
    while input >= 1 << 29 {
        input /= 4
        shift += 1
    }
    let maxLeftShiftBits = Int32(UInt32(bitPattern: input).leadingZeroBitCount) - 1
    let leftShiftBitPairs = maxLeftShiftBits / 2 - 1
    shift -= leftShiftBitPairs
    input <<= 2 * leftShiftBitPairs
    // F3 values: raw Int32 with 3 integer bits. Products of F3 and F3 carry 6 integer bits, three factors 9.
    let fixedInput = input >> 1
    let halfInput = roundingDivideByPOT(fixedInput, 1)
    let halfThree: Int32 = (1 << 28) + (1 << 27)
    var x: Int32 = 1 << 28
    for _ in 0..<5 {
        let x3 = Gemmlowp.saturatingShiftLeft(Gemmlowp.mul(Gemmlowp.mul(x, x), x), 6)
        x = Gemmlowp.saturatingShiftLeft(Gemmlowp.mul(halfThree, x) &- Gemmlowp.mul(halfInput, x3), 3)
    }
    let halfSqrt2: Int32 = 1518500250
    var result = Gemmlowp.mul(x, halfSqrt2)
    if shift < 0 {
        result <<= -shift
        shift = 0
    }
    return (result, shift * reverseShift)
}

/// Int8 L2_NORMALIZATION (reference_integer_ops::L2Normalization): each row of `depth` values scaled by the inverse
/// of its L2 norm into an output of scale 1/128, zero point 0.
@inlinable
public func l2Normalize(inputZeroPoint: Int32, outer: Int, depth: Int, input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>) {
    for o in 0..<outer {
        let row = input + o * depth
        var acc: Int32 = 0
        for i in 0..<depth {
            let v = Int32(row[i]) - inputZeroPoint
            acc = acc &+ v * v
        }
        let (m, s) = inverseSqrtQuantizedMultiplier(acc)
        for i in 0..<depth {
            let v = Int32(row[i]) - inputZeroPoint
            let q = multiplyByQuantizedMultiplier(v, m, s + 7)
            output[o * depth + i] = Int8(Swift.min(127, Swift.max(-128, q)))
        }
    }
}

/// Int8 RSQRT (elementwise.cc RsqrtEvalQuantizedInt8): `outputMultiplier` from 1 / (sqrt(s_in) · s_out).
/// Inputs below the zero point (negative reals, an error in TFLite) are treated as the zero point, giving 127.
@inlinable
public func quantizedRsqrt(inputZeroPoint: Int32, outputZeroPoint: Int32, outputMultiplier: QuantizedMultiplier,
                           input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>, count: Int) {
    for i in 0..<count {
        let value = Int32(input[i]) - inputZeroPoint
        if value <= 0 {
            output[i] = 127
            continue
        }
        let (m, s) = inverseSqrtQuantizedMultiplier(value)
        let data = multiplyByQuantizedMultiplier(1, m, s + 20)
        let out = multiplyByQuantizedMultiplier(data, outputMultiplier.multiplier, outputMultiplier.shift - 20) &+ outputZeroPoint
        output[i] = Int8(Swift.min(127, Swift.max(-128, out)))
    }
}

/// Int8 SQRT (elementwise.cc SqrtEvalQuantized): dequantise, `sqrtf`, divide by the output scale and truncate.
@inlinable
public func quantizedSqrt(inputScale: Float, inputZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32,
                          input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>, count: Int) {
    for i in 0..<count {
        let x = Swift.max(0, inputScale * Float(Int32(input[i]) - inputZeroPoint))
        let q = truncatingInt32(x.squareRoot() / outputScale) &+ outputZeroPoint
        output[i] = Int8(Swift.min(127, Swift.max(-128, q)))
    }
}
