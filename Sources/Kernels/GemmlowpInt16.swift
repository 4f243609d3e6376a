// gemmlowp's fixed-point logistic and tanh (fixedpoint/fixedpoint.h) instantiated for int16 raw values, as
// TFLite's integer LSTM calls them (portable_tensor_utils.cc ApplySigmoid / ApplyTanh):
// FixedPoint<int16, IntegerBits> in, FixedPoint<int16, 0> (Q0.15) out.
//
// Why a separate int16 version of ``Gemmlowp``: the int16 instantiation is not the int32 one rounded — its
// constants are the int32 constants rounding-shifted right by 16 (RescaleConstantInitializer), its additions and
// negations wrap in 16 bits, and exp's final step saturates (AddSaturatingIf16Bit). Every step below mirrors one of
// gemmlowp's, in the same order, so the results are bit-identical for all 65536 inputs.

/// gemmlowp fixed-point math on int16 raw values (Q`integerBits`.`15 − integerBits` in, Q0.15 out).
public enum GemmlowpInt16 {
    // MARK: primitives (16-bit semantics of gemmlowp's scalar operations)

    @inlinable @inline(__always)
    static func add(_ a: Int16, _ b: Int16) -> Int16 { a &+ b }

    @inlinable @inline(__always)
    static func sub(_ a: Int16, _ b: Int16) -> Int16 { a &- b }

    @inlinable @inline(__always)
    static func neg(_ a: Int16) -> Int16 { 0 &- a }

    @inlinable @inline(__always)
    static func mul(_ a: Int16, _ b: Int16) -> Int16 { saturatingRoundingDoublingHighMul(a, b) }

    /// SaturatingAdd<int16>.
    @inlinable @inline(__always)
    static func saturatingAdd(_ a: Int16, _ b: Int16) -> Int16 {
        Int16(Swift.min(32767, Swift.max(-32768, Int32(a) + Int32(b))))
    }

    /// SaturatingRoundingMultiplyByPOT<exponent> for exponent > 0: a left shift saturating at the int16 bounds.
    @inlinable @inline(__always)
    static func saturatingShiftLeft(_ x: Int16, _ exponent: Int) -> Int16 {
        let threshold = Int32((1 << (15 - exponent)) - 1)
        if Int32(x) > threshold { return Int16.max }
        if Int32(x) < -threshold { return Int16.min }
        return Int16(truncatingIfNeeded: Int32(x) << Int32(exponent))
    }

    /// RescaleConstantInitializer: an int32 gemmlowp constant as its int16 counterpart.
    @inlinable @inline(__always)
    static func constant(_ int32Value: Int32) -> Int16 {
        Int16(truncatingIfNeeded: roundingDivideByPOT(int32Value, 16))
    }

    /// RoundingHalfSum<int16>.
    @inlinable @inline(__always)
    static func roundingHalfSum(_ a: Int16, _ b: Int16) -> Int16 {
        let sum = Int32(a) + Int32(b)
        return Int16(truncatingIfNeeded: (sum + (sum >= 0 ? 1 : -1)) / 2)
    }

    // MARK: exp

    /// exp(a) for a in [-1/4, 0), Q0.15 in and out.
    @inlinable
    static func expOnIntervalBetweenNegativeOneQuarterAndZero(_ a: Int16) -> Int16 {
        let constantTerm = constant(1895147668)
        let oneThird = constant(715827883)
        let x = add(a, 1 << 12)  // a + 1/8 (ConstantPOT<-3> in Q0.15)
        let x2 = mul(x, x)
        let x3 = mul(x2, x)
        let x4 = mul(x2, x2)
        let x4Over4 = roundingDivideByPOT(x4, 2)
        let poly = roundingDivideByPOT(add(mul(add(x4Over4, x3), oneThird), x2), 1)
        return saturatingAdd(constantTerm, mul(constantTerm, add(x, poly)))
    }

    /// exp(a) for a ≤ 0 in Q`integerBits`, result in Q0.15.
    @inlinable
    static func expOnNegativeValues(_ a: Int16, integerBits: Int) -> Int16 {
        let fractionalBits = 15 - integerBits
        let oneQuarter = Int16(truncatingIfNeeded: 1 << (fractionalBits - 2))
        let mask = sub(oneQuarter, 1)
        let aModQuarterMinusOneQuarter = sub(a & mask, oneQuarter)
        // Rescale<0> from Q(integerBits): a saturating left shift by integerBits.
        let rescaled = integerBits > 0 ? saturatingShiftLeft(aModQuarterMinusOneQuarter, integerBits) : aModQuarterMinusOneQuarter
        var result = expOnIntervalBetweenNegativeOneQuarterAndZero(rescaled)
        let remainder = sub(aModQuarterMinusOneQuarter, a)
        // The barrel shifter: exp(-2^k) for every set bit of the integer part that the format has.
        @inline(__always) func apply(_ exponent: Int, _ multiplier: Int32) {
            guard integerBits > exponent else { return }
            let bit = Int16(truncatingIfNeeded: 1 << (fractionalBits + exponent))
            if remainder & bit != 0 { result = mul(result, constant(multiplier)) }
        }
        apply(-2, 1672461947)
        apply(-1, 1302514674)
        apply(0, 790015084)
        apply(1, 290630308)
        apply(2, 39332535)
        apply(3, 720401)
        apply(4, 242)
        if integerBits > 5 {
            let clamp = constant(-(1 << (36 - Int32(integerBits))))
            if a < clamp { result = 0 }
        }
        if a == 0 { result = Int16.max }
        return result
    }

    // MARK: Newton–Raphson divisions

    /// (1 − a) / (1 + a) for a in (0, 1), Q0.15.
    @inlinable
    static func oneMinusXOverOnePlusX(_ a: Int16) -> Int16 {
        let x = newtonRaphsonReciprocalOfHalfDenominator(roundingHalfSum(a, Int16.max))
        return saturatingShiftLeft(sub(x, 1 << 13), 2)  // Rescale<0>(x − F2::One())
    }

    /// 1 / (1 + a) for a in (0, 1), Q0.15.
    @inlinable
    static func oneOverOnePlusX(_ a: Int16) -> Int16 {
        let x = newtonRaphsonReciprocalOfHalfDenominator(roundingHalfSum(a, Int16.max))
        return saturatingShiftLeft(x, 1)  // Rescale<0>(ExactMulByPot<-1>(x))
    }

    /// 1 / halfDenominator in Q2.13 after three Newton–Raphson steps from 48/17 − 32/17·d.
    @inlinable @inline(__always)
    static func newtonRaphsonReciprocalOfHalfDenominator(_ halfDenominator: Int16) -> Int16 {
        let oneQ2: Int16 = 1 << 13
        var x = add(constant(1515870810), mul(halfDenominator, constant(-1010580540)))
        for _ in 0..<3 {
            let oneMinus = sub(oneQ2, mul(halfDenominator, x))
            x = add(x, saturatingShiftLeft(mul(x, oneMinus), 2))
        }
        return x
    }

    // MARK: logistic and tanh

    /// gemmlowp::logistic: 1 / (1 + e^−x) of a Q`integerBits` value, in Q0.15 (`integerBits` 0…6).
    @inlinable
    public static func logistic(_ a: Int16, integerBits: Int) -> Int16 {
        if a == 0 { return constant(1 << 30) }  // one half
        let positive = a > 0
        let absolute = positive ? a : neg(a)
        let resultIfPositive = oneOverOnePlusX(expOnNegativeValues(neg(absolute), integerBits: integerBits))
        return positive ? resultIfPositive : sub(Int16.max, resultIfPositive)
    }

    /// gemmlowp::tanh of a Q`integerBits` value, in Q0.15 (`integerBits` 0…6).
    @inlinable
    public static func tanh(_ a: Int16, integerBits: Int) -> Int16 {
        if a == 0 { return 0 }
        let negative = a < 0
        let n = negative ? a : neg(a)
        // exp of 2n: ExactMulByPot<1> reinterprets the same raw value with one more integer bit.
        let t = oneMinusXOverOnePlusX(expOnNegativeValues(n, integerBits: integerBits + 1))
        return negative ? neg(t) : t
    }
}
