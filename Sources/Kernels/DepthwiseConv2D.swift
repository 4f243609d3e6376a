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
/// - `accumulators`: scratch of `outputChannels` Int32, owned by the caller (the arena).
/// - `zeroRow`: `inputChannels` copies of the input zero point.
public func depthwiseConv2D(
    _ p: DepthwiseConv2DParameters, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<Int8>, accumulators: UnsafeMutablePointer<Int32>,
    output: UnsafeMutablePointer<Int8>
) {
    depthwise(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, accumulators: accumulators, output: output)
}

/// Legacy uint8 DEPTHWISE_CONV_2D; `filter` holds `w − zp_w` as Int16.
public func depthwiseConv2D(
    _ p: DepthwiseConv2DParameters, input: UnsafePointer<UInt8>, filter: UnsafePointer<Int16>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<UInt8>, accumulators: UnsafeMutablePointer<Int32>,
    output: UnsafeMutablePointer<UInt8>
) {
    depthwise(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, accumulators: accumulators, output: output)
}

@inlinable @inline(__always)
func depthwise<X: FixedWidthInteger, W: FixedWidthInteger, O: FixedWidthInteger>(
    _ dp: DepthwiseConv2DParameters, input: UnsafePointer<X>, filter: UnsafePointer<W>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<X>, accumulators acc: UnsafeMutablePointer<Int32>,
    output: UnsafeMutablePointer<O>
) {
    let p = dp.convolution
    let ic = p.inputChannels, oc = p.outputChannels, multiplier = dp.depthMultiplier
    p.requantization.multipliers.withUnsafeBufferPointer { mult in
    p.requantization.shifts.withUnsafeBufferPointer { shift in
        let zp = p.requantization.outputZeroPoint
        let lo = p.requantization.outputMin, hi = p.requantization.outputMax
        var out = output
        for b in 0..<p.batches {
            let image = input + b * p.inputHeight * p.inputWidth * ic
            for oy in 0..<p.outputHeight {
                for ox in 0..<p.outputWidth {
                    acc.update(from: foldedBias, count: oc)
                    let iy0 = oy * p.strideHeight - p.paddingTop
                    let ix0 = ox * p.strideWidth - p.paddingLeft
                    var t = 0
                    for ky in 0..<p.filterHeight {
                        let iy = iy0 + ky * p.dilationHeight
                        for kx in 0..<p.filterWidth {
                            let ix = ix0 + kx * p.dilationWidth
                            let row: UnsafePointer<X>
                            if iy >= 0 && iy < p.inputHeight && ix >= 0 && ix < p.inputWidth {
                                row = image + (iy * p.inputWidth + ix) * ic
                            } else {
                                row = zeroRow
                            }
                            let w = filter + t * oc
                            if multiplier == 1 {
                                for c in 0..<oc {
                                    acc[c] &+= Int32(truncatingIfNeeded: row[c]) &* Int32(truncatingIfNeeded: w[c])
                                }
                            } else {
                                for c in 0..<ic {
                                    let x = Int32(truncatingIfNeeded: row[c])
                                    for m in 0..<multiplier {
                                        let o = c * multiplier + m
                                        acc[o] &+= x &* Int32(truncatingIfNeeded: w[o])
                                    }
                                }
                            }
                            t += 1
                        }
                    }
                    for c in 0..<oc {
                        var v = multiplyByQuantizedMultiplier(acc[c], mult[c], shift[c]) &+ zp
                        v = Swift.min(Swift.max(v, lo), hi)
                        out[c] = O(truncatingIfNeeded: v)
                    }
                    out += oc
                }
            }
        }
    }
    }
}
