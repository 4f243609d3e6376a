/// A quantised MEAN over any set of axes, prepared once: TFLite's reference `QuantizedMeanOrSum`.
public struct MeanParameters: Sendable {
    /// Input shape, outermost first.
    public var inputShape: [Int]
    /// For each input dimension, whether it is reduced.
    public var reduced: [Bool]
    public var outputCount: Int
    /// Elements summed into each output.
    public var reducedCount: Int
    public var inputZeroPoint: Int32
    public var outputZeroPoint: Int32
    /// The multiplier with 1/N folded in, as the reference does at eval time.
    public var multiplier: Int32
    public var shift: Int32
    public var outputMin: Int32
    public var outputMax: Int32
    /// Strides of the output for each input dimension (0 for reduced ones).
    public var outputStrides: [Int]

    public init(inputShape: [Int], axes: [Int], inputScale: Float, inputZeroPoint: Int32,
                outputScale: Float, outputZeroPoint: Int32, outputMin: Int32, outputMax: Int32) {
        let rank = inputShape.count
        var reduced = [Bool](repeating: false, count: rank)
        for a in axes { reduced[a < 0 ? a + rank : a] = true }
        self.inputShape = inputShape
        self.reduced = reduced
        var n = 1, outputs = 1
        for d in 0..<rank { if reduced[d] { n *= inputShape[d] } else { outputs *= inputShape[d] } }
        self.reducedCount = n
        self.outputCount = outputs
        var strides = [Int](repeating: 0, count: rank)
        var s = 1
        for d in stride(from: rank - 1, through: 0, by: -1) where !reduced[d] {
            strides[d] = s
            s *= inputShape[d]
        }
        self.outputStrides = strides
        self.inputZeroPoint = inputZeroPoint
        self.outputZeroPoint = outputZeroPoint
        self.outputMin = outputMin
        self.outputMax = outputMax
        let q = QuantizedMultiplier(Double(inputScale) / Double(outputScale))
        // Fold 1/N into the multiplier exactly as QuantizedMeanOrSum does.
        var shift = n > 0 ? 63 - UInt64(n).leadingZeroBitCount : 0
        shift = min(shift, 32)
        shift = min(shift, 31 + Int(q.shift))
        if n > 0 {
            self.multiplier = Int32(truncatingIfNeeded: (Int64(q.multiplier) << Int64(shift)) / Int64(n))
        } else {
            self.multiplier = q.multiplier
        }
        self.shift = q.shift - Int32(shift)
    }
}

/// Int8 or uint8 MEAN.
///
/// - `sums`: scratch of `outputCount` Int32, owned by the caller.
@inlinable
public func mean<T: FixedWidthInteger>(_ p: MeanParameters, input: UnsafePointer<T>, sums: UnsafeMutablePointer<Int32>,
                                       output: UnsafeMutablePointer<T>) {
    sums.update(repeating: 0, count: p.outputCount)
    let rank = p.inputShape.count
    p.inputShape.withUnsafeBufferPointer { shape in
    p.outputStrides.withUnsafeBufferPointer { strides in
        // Walk the input in memory order with an odometer; the innermost dimension is hoisted.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: max(rank, 1)) { index in
            index.initialize(repeating: 0)
            let total = shape.reduce(1, *)
            guard total > 0 else { return }
            let inner = rank > 0 ? shape[rank - 1] : 1
            let innerStride = rank > 0 ? strides[rank - 1] : 0
            var position = 0
            while position < total {
                var base = 0
                for d in 0..<max(rank - 1, 0) { base += index[d] * strides[d] }
                for i in 0..<inner {
                    sums[base + i * innerStride] &+= Int32(truncatingIfNeeded: input[position + i])
                }
                position += inner
                var d = rank - 2
                while d >= 0 {
                    index[d] += 1
                    if index[d] < shape[d] { break }
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }
    }
    let correction = p.inputZeroPoint &* Int32(truncatingIfNeeded: p.reducedCount)
    for i in 0..<p.outputCount {
        var v = multiplyByQuantizedMultiplier(sums[i] &- correction, p.multiplier, p.shift) &+ p.outputZeroPoint
        v = min(max(v, p.outputMin), p.outputMax)
        output[i] = T(truncatingIfNeeded: v)
    }
}
