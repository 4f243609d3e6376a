/// Shapes, geometry and requantisation of one DEPTHWISE_CONV_2D, fixed at prepare time.
public struct DepthwiseConv2DParameters: Sendable {
    public var convolution: Conv2DParameters
    public var depthMultiplier: Int

    /// `convolution.outputChannels` must equal `inputChannels × depthMultiplier`.
    public init(convolution: Conv2DParameters, depthMultiplier: Int) {
        self.convolution = convolution
        self.depthMultiplier = depthMultiplier
    }

    public var macs: Int {
        let c = convolution
        return c.batches * c.outputHeight * c.outputWidth * c.outputChannels * c.filterHeight * c.filterWidth
    }
}

/// Folds the input zero point into the depthwise bias: bias[c] − zeroPoint × Σ_taps filter[tap][c].
@inlinable
public func foldedDepthwiseBias<W: FixedWidthInteger>(
    bias: UnsafePointer<Int32>?, filter: UnsafePointer<W>, outputChannels: Int, taps: Int, inputZeroPoint: Int32
) -> [Int32] {
    var result = [Int32](repeating: 0, count: outputChannels)
    for c in 0..<outputChannels {
        var sum: Int32 = 0
        for t in 0..<taps { sum &+= Int32(truncatingIfNeeded: filter[t * outputChannels + c]) }
        result[c] = (bias?[c] ?? 0) &- inputZeroPoint &* sum
    }
    return result
}

/// Int8 DEPTHWISE_CONV_2D, bit-exact with TFLite's reference `DepthwiseConvPerChannel`.
///
/// - `filter`: `[1, filterHeight, filterWidth, outputChannels]` int8; output channel = ic × multiplier + m.
/// - `zeroRow`: `inputChannels` copies of the input zero point; padding taps read it.
/// - `output`: NHWC; must not alias `input`. Needs no scratch memory.
/// - `rows`: the output rows (batch × outputHeight, batch-major) to compute, all by default; disjoint ranges
///   may run on different threads at once.
public func depthwiseConv2D(
    _ p: DepthwiseConv2DParameters, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>,
    rows: Range<Int>? = nil
) {
    depthwise(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, output: output,
              rows: rows ?? 0..<(p.convolution.batches * p.convolution.outputHeight))
}

/// Legacy uint8 DEPTHWISE_CONV_2D; `filter` holds `w − zp_w` as Int16.
public func depthwiseConv2D(
    _ p: DepthwiseConv2DParameters, input: UnsafePointer<UInt8>, filter: UnsafePointer<Int16>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<UInt8>, output: UnsafeMutablePointer<UInt8>,
    rows: Range<Int>? = nil
) {
    depthwise(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, output: output,
              rows: rows ?? 0..<(p.convolution.batches * p.convolution.outputHeight))
}

/// The depthwise loop: per output pixel, taps resolved to rows (or the zero-point row), channels in SIMD blocks
/// of eight held in registers, so no scratch accumulator row is needed.
@inlinable @inline(__always)
func depthwise<X: QuantizedElement, W: QuantizedElement, O: QuantizedElement>(
    _ dp: DepthwiseConv2DParameters, input: UnsafePointer<X>, filter: UnsafePointer<W>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<X>, output: UnsafeMutablePointer<O>, rows outputRows: Range<Int>
) {
    let p = dp.convolution
    let ic = p.inputChannels, oc = p.outputChannels, multiplier = dp.depthMultiplier
    let taps = p.filterHeight * p.filterWidth
    p.requantization.multipliers.withUnsafeBufferPointer { mult in
    p.requantization.shifts.withUnsafeBufferPointer { shift in
    withUnsafeTemporaryAllocation(of: UnsafePointer<X>.self, capacity: max(taps, 1)) { rows in
        let zp = p.requantization.outputZeroPoint
        let lo = p.requantization.outputMin, hi = p.requantization.outputMax
        @inline(__always) func store(_ acc: Int32, _ c: Int, _ out: UnsafeMutablePointer<O>) {
            var v = multiplyByQuantizedMultiplier(acc, mult[c], shift[c]) &+ zp
            v = Swift.min(Swift.max(v, lo), hi)
            out[c] = O(truncatingIfNeeded: v)
        }
        var out = output + outputRows.lowerBound * p.outputWidth * oc
        for row in outputRows {
            let b = row / p.outputHeight, oy = row % p.outputHeight
            let image = input + b * p.inputHeight * p.inputWidth * ic
            do {
                for ox in 0..<p.outputWidth {
                    p.gatherTapRows(image: image, oy: oy, ox: ox, zeroRow: zeroRow, into: rows.baseAddress!)
                    if multiplier == 1 {
                        var c = 0
                        while c + 8 <= oc {
                            var acc = SIMD8<Int32>(
                                foldedBias[c], foldedBias[c + 1], foldedBias[c + 2], foldedBias[c + 3],
                                foldedBias[c + 4], foldedBias[c + 5], foldedBias[c + 6], foldedBias[c + 7])
                            for t in 0..<taps {
                                acc &+= load8(rows[t] + c) &* load8(filter + t * oc + c)
                            }
                            requantizeAndStore8(acc, multiplier: ChannelRequantization.lanes(mult, c),
                                                shift: ChannelRequantization.lanes(shift, c),
                                                zeroPoint: zp, min: lo, max: hi, to: out + c)
                            c += 8
                        }
                        while c < oc {
                            var acc = foldedBias[c]
                            for t in 0..<taps {
                                acc &+= Int32(truncatingIfNeeded: rows[t][c]) &* Int32(truncatingIfNeeded: filter[t * oc + c])
                            }
                            store(acc, c, out)
                            c += 1
                        }
                    } else {
                        for o in 0..<oc {
                            let c = o / multiplier
                            var acc = foldedBias[o]
                            for t in 0..<taps {
                                acc &+= Int32(truncatingIfNeeded: rows[t][c]) &* Int32(truncatingIfNeeded: filter[t * oc + o])
                            }
                            store(acc, o, out)
                        }
                    }
                    out += oc
                }
            }
        }
    }
    }
    }
}
