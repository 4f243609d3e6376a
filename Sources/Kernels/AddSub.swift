import CDotProduct

// Quantised ADD and SUB: TFLite's "left shift 20" scheme (add.cc / sub.cc Prepare, reference add.h / sub.h).
// Both inputs are brought to a common scale of 2·max(s1, s2) / 2^20 with multipliers below one, summed,
// and the sum is rescaled to the output.

/// Prepared parameters of quantised ADD and SUB (int8 and uint8), including the broadcast layout.
public struct AddSubParameters: Sendable, Equatable {
    /// Broadcast layout of the two inputs and the output, resolved at prepare time.
    public var broadcast: BroadcastShape
    /// Negated input zero points, as TFLite stores them.
    public var input1Offset: Int32
    public var input2Offset: Int32
    public var outputZeroPoint: Int32
    /// 20 for 8-bit tensors: headroom so the rescaled inputs keep precision without overflowing int32.
    public var leftShift: Int32
    /// s_i / (2·max(s1, s2)) and 2·max(s1, s2) / (2^20·s_out).
    public var input1Multiplier: QuantizedMultiplier
    public var input2Multiplier: QuantizedMultiplier
    public var outputMultiplier: QuantizedMultiplier
    /// Fused-activation range in the output's quantised domain.
    public var outputMin: Int32
    public var outputMax: Int32
    /// Whether same-shaped inputs take the sixteen-lane AVX-512 path (`edgefleet_avx512_binary8`) before the
    /// eight-lane one. It follows the GEMM kernel (true when ``Microkernel/selected`` is `avx512-vnni`), so forcing
    /// another kernel (`EDGEFLEET_MICROKERNEL=avx2`) measures a CPU without AVX-512 faithfully; tests set it.
    public var sixteenLanes: Bool = Microkernel.selected == .avx512VNNI

    /// TFLite's ADD/SUB Prepare for 8-bit tensors; `qmin`/`qmax` are the output type's limits.
    ///
    /// Multipliers are computed in double from the float scales exactly as add.cc does (sub.cc's float
    /// intermediate `2 * max(s1, s2)` and `2^20 * s_out` are exact, so the results coincide).
    public init(input1Shape: [Int], input2Shape: [Int],
                input1Scale: Float, input1ZeroPoint: Int32,
                input2Scale: Float, input2ZeroPoint: Int32,
                outputScale: Float, outputZeroPoint: Int32,
                activation: FusedActivation, qmin: Int32, qmax: Int32) throws(KernelPreparationError) {
        broadcast = try BroadcastShape(input1Shape: input1Shape, input2Shape: input2Shape)
        input1Offset = -input1ZeroPoint
        input2Offset = -input2ZeroPoint
        self.outputZeroPoint = outputZeroPoint
        leftShift = 20
        let twiceMaxInputScale = 2 * Double(Swift.max(input1Scale, input2Scale))
        input1Multiplier = QuantizedMultiplier(Double(input1Scale) / twiceMaxInputScale)
        input2Multiplier = QuantizedMultiplier(Double(input2Scale) / twiceMaxInputScale)
        // Above one only for degenerate output ranges; SUB then uses QuantizeMultiplierGreaterThanOne, which
        // QuantizedMultiplier covers, and the kernel applies the shift in either direction.
        outputMultiplier = QuantizedMultiplier(
            twiceMaxInputScale / (Double(1 << leftShift) * Double(outputScale)))
        (outputMin, outputMax) = activationRange(
            activation, scale: outputScale, zeroPoint: outputZeroPoint, qmin: qmin, qmax: qmax)
    }

    /// One input value brought to the common Q20 scale.
    @inlinable @inline(__always)
    func scaled(_ q: Int32, offset: Int32, multiplier: QuantizedMultiplier) -> Int32 {
        let shifted = (offset + q) * (1 << leftShift)
        return multiplyByQuantizedMultiplierSmallerThanOneExp(shifted, multiplier.multiplier, multiplier.shift)
    }

    /// Rescales a combined Q20 value to the output, adds the zero point and clamps.
    @inlinable @inline(__always)
    func output<T: FixedWidthInteger>(_ raw: Int32) -> T {
        let rescaled = multiplyByQuantizedMultiplier(raw, outputMultiplier.multiplier, outputMultiplier.shift)
        return clampNarrow(rescaled &+ outputZeroPoint, outputMin, outputMax)
    }
}

/// ADD's prepared parameters (the same struct as SUB's).
public typealias AddParameters = AddSubParameters
/// SUB's prepared parameters (the same struct as ADD's).
public typealias SubParameters = AddSubParameters

/// Quantised ADD with broadcasting: `output = input1 + input2` in real terms.
///
/// `input1`/`input2` hold the elements of the shapes given at prepare time; `output` holds
/// `p.broadcast.outputCount` elements and may alias a non-broadcast input. `elements` (same-shaped inputs only;
/// a broadcasting ADD always computes everything) limits the work to a range of output elements, so disjoint
/// ranges may run on different threads.
@inlinable
public func add<T: Quantized8BitInteger>(
    _ p: AddSubParameters, input1: UnsafePointer<T>, input2: UnsafePointer<T>, output: UnsafeMutablePointer<T>,
    elements: Range<Int>? = nil
) {
    if !p.broadcast.needsBroadcast {
        addSubSameShape(p, input1, input2, output, subtract: false, range: elements ?? 0..<p.broadcast.outputCount)
        return
    }
    broadcastBinary(p.broadcast, input1, input2, output) { (a: T, b: T) -> T in
        let x = p.scaled(Int32(a), offset: p.input1Offset, multiplier: p.input1Multiplier)
        let y = p.scaled(Int32(b), offset: p.input2Offset, multiplier: p.input2Multiplier)
        return p.output(x &+ y)
    }
}

/// Quantised SUB with broadcasting: `output = input1 − input2` in real terms.
///
/// Buffers and `elements` as for `add`.
@inlinable
public func subtract<T: Quantized8BitInteger>(
    _ p: AddSubParameters, input1: UnsafePointer<T>, input2: UnsafePointer<T>, output: UnsafeMutablePointer<T>,
    elements: Range<Int>? = nil
) {
    if !p.broadcast.needsBroadcast {
        addSubSameShape(p, input1, input2, output, subtract: true, range: elements ?? 0..<p.broadcast.outputCount)
        return
    }
    broadcastBinary(p.broadcast, input1, input2, output) { (a: T, b: T) -> T in
        let x = p.scaled(Int32(a), offset: p.input1Offset, multiplier: p.input1Multiplier)
        let y = p.scaled(Int32(b), offset: p.input2Offset, multiplier: p.input2Multiplier)
        return p.output(x &- y)
    }
}

/// ADD / SUB of two same-shaped tensors, eight lanes at a time with the same double-rounding arithmetic as the
/// scalar path (the SIMD requantisation equals the scalar one lane by lane), scalar for the tail.
@inlinable @inline(__always)
func addSubSameShape<T: Quantized8BitInteger>(
    _ p: AddSubParameters, _ input1: UnsafePointer<T>, _ input2: UnsafePointer<T>, _ output: UnsafeMutablePointer<T>,
    subtract: Bool, range: Range<Int>
) {
    let n = range.upperBound
    let offset1 = SIMD8<Int32>(repeating: p.input1Offset), offset2 = SIMD8<Int32>(repeating: p.input2Offset)
    let m1 = SIMD8<Int32>(repeating: p.input1Multiplier.multiplier), s1 = SIMD8<Int32>(repeating: p.input1Multiplier.shift)
    let m2 = SIMD8<Int32>(repeating: p.input2Multiplier.multiplier), s2 = SIMD8<Int32>(repeating: p.input2Multiplier.shift)
    let mo = SIMD8<Int32>(repeating: p.outputMultiplier.multiplier), so = SIMD8<Int32>(repeating: p.outputMultiplier.shift)
    let shift = SIMD8<Int32>(repeating: p.leftShift)
    var i = range.lowerBound
    #if arch(x86_64)
    if p.sixteenLanes {
        let done = (n - i) & ~15
        edgefleet_avx512_binary8(input1 + i, input2 + i, output + i, done, subtract ? 1 : 0, T.self == UInt8.self ? 1 : 0,
                                 p.input1Offset, p.input2Offset, p.leftShift, p.input1Multiplier.multiplier,
                                 p.input1Multiplier.shift, p.input2Multiplier.multiplier, p.input2Multiplier.shift,
                                 p.outputMultiplier.multiplier, p.outputMultiplier.shift, p.outputZeroPoint, p.outputMin, p.outputMax)
        i += done
    }
    #endif
    while i + 8 <= n {
        let x = multiplyByQuantizedMultiplier((T.load8(input1 + i) &+ offset1) &<< shift, m1, s1)
        let y = multiplyByQuantizedMultiplier((T.load8(input2 + i) &+ offset2) &<< shift, m2, s2)
        let raw = subtract ? x &- y : x &+ y
        requantizeAndStore8(raw, multiplier: mo, shift: so, zeroPoint: p.outputZeroPoint, min: p.outputMin, max: p.outputMax,
                            to: output + i)
        i += 8
    }
    while i < n {
        let x = p.scaled(Int32(input1[i]), offset: p.input1Offset, multiplier: p.input1Multiplier)
        let y = p.scaled(Int32(input2[i]), offset: p.input2Offset, multiplier: p.input2Multiplier)
        output[i] = p.output(subtract ? x &- y : x &+ y)
        i += 1
    }
}

/// ADD or SUB by TFLite's scalar reference loop (with broadcasting): the twin the eight-lane same-shape path is
/// tested against.
@inlinable
public func addSubReference<T: Quantized8BitInteger>(
    _ p: AddSubParameters, input1: UnsafePointer<T>, input2: UnsafePointer<T>, output: UnsafeMutablePointer<T>, subtract: Bool
) {
    broadcastBinary(p.broadcast, input1, input2, output) { (a: T, b: T) -> T in
        let x = p.scaled(Int32(a), offset: p.input1Offset, multiplier: p.input1Multiplier)
        let y = p.scaled(Int32(b), offset: p.input2Offset, multiplier: p.input2Multiplier)
        return p.output(subtract ? x &- y : x &+ y)
    }
}
