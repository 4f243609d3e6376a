// Int8 LOG_SOFTMAX (activations.cc LogSoftmaxPrepare, reference_integer_ops::LogSoftmax): the softmax input scaling
// (Q5.26 differences from the row maximum), a sum of exps in Q12.19, its log by TFLite's
// log_x_for_x_greater_than_or_equal_to_1 (gemmlowp fixed point), and an output of scale 16/256, zero point 127.

/// Prepared int8 LOG_SOFTMAX.
public struct LogSoftmaxParameters: Sendable, Equatable {
    public var outer: Int
    public var depth: Int
    public var inputMultiplier: Int32
    public var inputLeftShift: Int32
    public var reverseMultiplier: QuantizedMultiplier
    public var diffMin: Int32
    /// Per 8-bit distance `max − x` (0…255): the difference scaled to Q5.26, as the kernel computes it per element.
    public var scaledDifference: [Int32]
    /// Per distance: the exp of the scaled difference in Q12.19 (the sum's term), or −1 below ``diffMin``. Both depend
    /// only on the distance, so the fixed-point exp runs 256 times here instead of once per element per invoke.
    public var expTerm: [Int32]

    /// `PreprocessLogSoftmaxScalingExp` with beta 1 and 5 integer bits.
    public init(outer: Int, depth: Int, inputScale: Float) {
        self.outer = outer
        self.depth = depth
        let s = SoftmaxParameters(outerSize: outer, depth: depth, beta: 1, inputScale: inputScale)
        inputMultiplier = s.inputMultiplier
        inputLeftShift = s.inputLeftShift
        diffMin = s.diffMin
        let reverse = Double(Int64(1) << Int64(31 - s.inputLeftShift)) / Double(s.inputMultiplier)
        reverseMultiplier = QuantizedMultiplier(reverse)
        let (multiplier, shift, diffMin) = (inputMultiplier, inputLeftShift, self.diffMin)
        let scaled = (0...255).map { multiplyByQuantizedMultiplier(-Int32($0), multiplier, shift) }
        scaledDifference = scaled
        expTerm = (0...255).map { -Int32($0) >= diffMin ? roundingDivideByPOT(Gemmlowp.expOnNegativeValues(scaled[$0]), 12) : -1 }
    }
}

@usableFromInline
enum LogFixedPoint {
    /// gemmlowp SaturatingRoundingMultiplyByPOTParam for a non-negative exponent.
    @inlinable
    static func shiftLeft(_ x: Int32, _ exponent: Int32) -> Int32 {
        exponent == 0 ? x : Gemmlowp.saturatingShiftLeft(x, exponent)
    }

    @inlinable
    static func saturatingAdd(_ a: Int32, _ b: Int32) -> Int32 {
        Int32(Swift.min(Int64(Int32.max), Swift.max(Int64(Int32.min), Int64(a) + Int64(b))))
    }

    @inlinable
    static func saturatingSub(_ a: Int32, _ b: Int32) -> Int32 {
        Int32(Swift.min(Int64(Int32.max), Swift.max(Int64(Int32.min), Int64(a) - Int64(b))))
    }

    @inlinable
    static func roundingHalfSum(_ a: Int32, _ b: Int32) -> Int32 {
        let sum = Int64(a) + Int64(b)
        return Int32(truncatingIfNeeded: (sum + (sum >= 0 ? 1 : -1)) / 2)
    }

    /// log(x) of `raw` with `inputBits` integer bits, result with `outputBits` integer bits (TFLite common.h).
    @inlinable
    static func logAtLeastOne(_ raw: Int32, inputBits: Int32, outputBits: Int32) -> Int32 {
        let mul = Gemmlowp.mul
        let accumBits = outputBits + 1
        let log2: Int32 = 1488522236, sqrtSqrtHalf: Int32 = 1805811301, sqrtHalf: Int32 = 1518500250
        let oneQuarter: Int32 = 536870912
        let alphaN: Int32 = 117049297, alphaD: Int32 = 127690142, alphaI: Int32 = 1057819769, alphaF: Int32 = 638450708
        let shiftedQuarter = roundingDivideByPOT(oneQuarter, accumBits)
        let zA = raw
        let zAHeadroomPlus1 = Int32(UInt32(bitPattern: zA).leadingZeroBitCount)
        let rATmp = shiftLeft(zA, zAHeadroomPlus1 - 1)
        let rARaw = shiftLeft(mul(rATmp, sqrtHalf), 1)
        let zAPow2Adj = saturatingAdd(shiftLeft(inputBits - zAHeadroomPlus1, 31 - accumBits), shiftedQuarter)
        let zB = mul(zA, sqrtHalf)
        let zBHeadroom = Int32(UInt32(bitPattern: zB).leadingZeroBitCount) - 1
        let rBRaw = shiftLeft(zA, zBHeadroom)
        let zBPow2Adj = saturatingSub(shiftLeft(inputBits - zBHeadroom, 31 - accumBits), shiftedQuarter)
        let r = Swift.min(rARaw, rBRaw)
        let zPow2Adj = Swift.max(zAPow2Adj, zBPow2Adj)
        let p = roundingHalfSum(r, sqrtSqrtHalf)
        var q = r &- sqrtSqrtHalf
        q = q &+ q
        let commonSq = mul(q, q)
        let num = mul(q, r) &+ mul(mul(q, commonSq), alphaN)
        let denomMinusOne = mul(p, alphaI &+ q &+ mul(alphaD, commonSq)) &+ mul(alphaF, q)
        let recipDenom = Gemmlowp.oneOverOnePlusX(denomMinusOne)
        let numScaled = roundingDivideByPOT(num, accumBits)
        let sum = mul(zPow2Adj, log2) &+ mul(numScaled, recipDenom)
        // Rescale from accumBits to outputBits integer bits: one saturating left shift.
        return shiftLeft(sum, accumBits - outputBits)
    }
}

/// Int8 LOG_SOFTMAX over the last dimension, byte-exact with the reference: each element's scaled difference and exp
/// term are read from the tables in ``LogSoftmaxParameters``.
@inlinable
public func logSoftmax(_ p: LogSoftmaxParameters, input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>) {
    p.scaledDifference.withUnsafeBufferPointer { scaledDifference in
        p.expTerm.withUnsafeBufferPointer { expTerm in
            for o in 0..<p.outer {
                let row = input + o * p.depth, out = output + o * p.depth
                var maxInRow = Int8.min
                for i in 0..<p.depth { maxInRow = Swift.max(maxInRow, row[i]) }
                var sumOfExps: Int32 = 0
                for i in 0..<p.depth {
                    let term = expTerm[Int(Int32(maxInRow) - Int32(row[i]))]
                    if term >= 0 { sumOfExps = sumOfExps &+ term }
                }
                let logSum = LogFixedPoint.logAtLeastOne(sumOfExps, inputBits: 12, outputBits: 5)
                let shiftedLogSum = logSum &+ Int32.min
                let adjustedDiffMin = Swift.max(p.diffMin - 1, multiplyByQuantizedMultiplier(shiftedLogSum, p.reverseMultiplier.multiplier, p.reverseMultiplier.shift))
                for i in 0..<p.depth {
                    let distance = Int32(maxInRow) - Int32(row[i])
                    if -distance > adjustedDiffMin {
                        let v = roundingDivideByPOT(scaledDifference[Int(distance)] &- logSum, 31 - 5 - 4) + 127
                        out[i] = Int8(Swift.min(127, Swift.max(-128, v)))
                    } else {
                        out[i] = Int8.min
                    }
                }
            }
        }
    }
}

/// The plain twin of ``logSoftmax(_:input:output:)``: the reference loop, exp and scaling per element.
@inlinable
public func logSoftmaxReference(_ p: LogSoftmaxParameters, input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>) {
    for o in 0..<p.outer {
        let row = input + o * p.depth, out = output + o * p.depth
        var maxInRow = Int8.min
        for i in 0..<p.depth { maxInRow = Swift.max(maxInRow, row[i]) }
        var sumOfExps: Int32 = 0
        for i in 0..<p.depth {
            let diff = Int32(row[i]) - Int32(maxInRow)
            if diff >= p.diffMin {
                let scaled = multiplyByQuantizedMultiplier(diff, p.inputMultiplier, p.inputLeftShift)
                sumOfExps = sumOfExps &+ roundingDivideByPOT(Gemmlowp.expOnNegativeValues(scaled), 12)
            }
        }
        let logSum = LogFixedPoint.logAtLeastOne(sumOfExps, inputBits: 12, outputBits: 5)
        let shiftedLogSum = logSum &+ Int32.min
        let adjustedDiffMin = Swift.max(p.diffMin - 1, multiplyByQuantizedMultiplier(shiftedLogSum, p.reverseMultiplier.multiplier, p.reverseMultiplier.shift))
        for i in 0..<p.depth {
            let diff = Int32(row[i]) - Int32(maxInRow)
            if diff > adjustedDiffMin {
                let scaled = multiplyByQuantizedMultiplier(diff, p.inputMultiplier, p.inputLeftShift)
                let v = roundingDivideByPOT(scaled &- logSum, 31 - 5 - 4) + 127
                out[i] = Int8(Swift.min(127, Swift.max(-128, v)))
            } else {
                out[i] = Int8.min
            }
        }
    }
}
