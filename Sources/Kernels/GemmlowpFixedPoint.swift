// gemmlowp's fixed-point helpers (fixedpoint.h) for int32 raw values, as TFLite's reference softmax uses them.
// Raw values carry an implicit number of integer bits; multiplication is SaturatingRoundingDoublingHighMul.
// Additions wrap, as gemmlowp's int32 operators do.

@usableFromInline
enum Gemmlowp {
    /// SaturatingRoundingMultiplyByPOT for a positive exponent: saturating left shift.
    @inlinable @inline(__always)
    static func saturatingShiftLeft(_ x: Int32, _ exponent: Int32) -> Int32 {
        let threshold: Int32 = (1 << (31 - exponent)) - 1
        if x > threshold { return Int32.max }
        if x < -threshold { return Int32.min }
        return x << exponent
    }

    @inlinable @inline(__always)
    static func mul(_ a: Int32, _ b: Int32) -> Int32 { saturatingRoundingDoublingHighMul(a, b) }

    /// exp(x) for x in [-1/4, 0), both in Q0.31.
    @inlinable
    static func expOnIntervalBetweenNegativeOneQuarterAndZero(_ a: Int32) -> Int32 {
        let constantTerm: Int32 = 1895147668
        let constantOneThird: Int32 = 715827883
        let x = a &+ (1 << 28)
        let x2 = mul(x, x)
        let x3 = mul(x2, x)
        let x4 = mul(x2, x2)
        let x4Over4 = roundingDivideByPOT(x4, 2)
        let poly = roundingDivideByPOT(mul(x4Over4 &+ x3, constantOneThird) &+ x2, 1)
        return constantTerm &+ mul(constantTerm, x &+ poly)
    }

    /// exp(a) for a ≤ 0 given in Q5.26, result in Q0.31.
    @inlinable
    static func expOnNegativeValues(_ a: Int32) -> Int32 {
        let fractionalBits: Int32 = 26
        let oneQuarter: Int32 = 1 << (fractionalBits - 2)
        let mask = oneQuarter - 1
        let aModQuarterMinusOneQuarter = (a & mask) &- oneQuarter
        var result = expOnIntervalBetweenNegativeOneQuarterAndZero(saturatingShiftLeft(aModQuarterMinusOneQuarter, 5))
        let remainder = aModQuarterMinusOneQuarter &- a
        // The barrel shifter: exp(-2^k) factors for each set bit of the integer part (no table, no allocation).
        @inline(__always) func apply(_ exponent: Int32, _ multiplier: Int32) {
            if remainder & (1 << (fractionalBits + exponent)) != 0 { result = mul(result, multiplier) }
        }
        apply(-2, 1672461947)
        apply(-1, 1302514674)
        apply(0, 790015084)
        apply(1, 290630308)
        apply(2, 39332535)
        apply(3, 720401)
        apply(4, 242)
        if a == 0 { result = Int32.max }
        return result
    }

    /// 1 / (1 + x) for x in [0, 1), Q0.31 in and out, by Newton–Raphson.
    @inlinable
    static func oneOverOnePlusX(_ a: Int32) -> Int32 {
        let sum = Int64(a) + Int64(Int32.max)
        let halfDenominator = Int32(truncatingIfNeeded: (sum + (sum >= 0 ? 1 : -1)) / 2)
        let constant48Over17: Int32 = 1515870810
        let constantNeg32Over17: Int32 = -1010580540
        var x = constant48Over17 &+ mul(halfDenominator, constantNeg32Over17)
        let oneQ2: Int32 = 1 << 29
        for _ in 0..<3 {
            let halfDenominatorTimesX = mul(halfDenominator, x)
            let oneMinus = oneQ2 &- halfDenominatorTimesX
            x = x &+ saturatingShiftLeft(mul(x, oneMinus), 2)
        }
        return saturatingShiftLeft(x, 1)
    }

    /// TFLite's GetReciprocal: the reciprocal of a Q(integerBits) value, with the bits above unity.
    @inlinable
    static func reciprocal(_ x: Int32, integerBits: Int32) -> (scale: Int32, bitsOverUnit: Int32) {
        let headroomPlusOne = Int32(UInt32(bitPattern: x).leadingZeroBitCount)
        let bitsOverUnit = integerBits - headroomPlusOne
        let shiftedSumMinusOne = Int32(bitPattern: (UInt32(bitPattern: x) << UInt32(headroomPlusOne)) &- (1 << 31))
        return (oneOverOnePlusX(shiftedSumMinusOne), bitsOverUnit)
    }
}
