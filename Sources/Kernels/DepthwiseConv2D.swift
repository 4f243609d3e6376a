import CDotProduct

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
/// - `rows`: the output rows (batch × outputHeight, batch-major) to compute, all by default; `channels`: the
///   output channels, all by default, starting at a multiple of 8. Disjoint row or channel ranges may run on
///   different threads at once (channels when a layer has too few rows to share evenly).
/// - `sixteenLanes`: take the AVX-512 kernel (``DepthwiseConv2DParameters/sixteenLanesByDefault``; tests pass false
///   for its eight-lane twin): any multiplier up to 64 taps, multiplier 1 beyond. Ignored where the CPU lacks
///   AVX-512 F and BW.
public func depthwiseConv2D(
    _ p: DepthwiseConv2DParameters, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>,
    rows: Range<Int>? = nil, channels: Range<Int>? = nil,
    sixteenLanes: Bool = DepthwiseConv2DParameters.sixteenLanesByDefault
) {
    let taps = p.convolution.filterHeight * p.convolution.filterWidth
    if sixteenLanes && (p.depthMultiplier == 1 || taps <= Int(EDGEFLEET_DEPTHWISE_MAX_TAPS)) && CPUFeatures.current.hasAVX512VNNI {
        depthwiseSixteenLanes(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, output: output,
                              rows: rows ?? 0..<(p.convolution.batches * p.convolution.outputHeight),
                              channels: channels ?? 0..<p.convolution.outputChannels)
        return
    }
    depthwise(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, output: output,
              rows: rows ?? 0..<(p.convolution.batches * p.convolution.outputHeight),
              channels: channels ?? 0..<p.convolution.outputChannels)
}

/// Legacy uint8 DEPTHWISE_CONV_2D; `filter` holds `w − zp_w` as Int16. `sixteenLanes` as for int8 (multiplier 1
/// only; `DepthwiseConv2D+SixteenLanesUInt8.swift`).
public func depthwiseConv2D(
    _ p: DepthwiseConv2DParameters, input: UnsafePointer<UInt8>, filter: UnsafePointer<Int16>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<UInt8>, output: UnsafeMutablePointer<UInt8>,
    rows: Range<Int>? = nil, channels: Range<Int>? = nil,
    sixteenLanes: Bool = DepthwiseConv2DParameters.sixteenLanesByDefault
) {
    let taps = p.convolution.filterHeight * p.convolution.filterWidth
    if sixteenLanes && p.depthMultiplier == 1 && taps <= Int(EDGEFLEET_DEPTHWISE_MAX_TAPS) && CPUFeatures.current.hasAVX512VNNI {
        depthwiseSixteenLanesUInt8(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, output: output,
                                   rows: rows ?? 0..<(p.convolution.batches * p.convolution.outputHeight),
                                   channels: channels ?? 0..<p.convolution.outputChannels)
        return
    }
    depthwise(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, output: output,
              rows: rows ?? 0..<(p.convolution.batches * p.convolution.outputHeight),
              channels: channels ?? 0..<p.convolution.outputChannels)
}

/// The depthwise loop: per output pixel, taps resolved to rows (or the zero-point row), channels in SIMD blocks
/// of eight held in registers, so no scratch accumulator row is needed.
@inlinable @inline(__always)
func depthwise<X: QuantizedElement, W: QuantizedElement, O: QuantizedElement>(
    _ dp: DepthwiseConv2DParameters, input: UnsafePointer<X>, filter: UnsafePointer<W>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<X>, output: UnsafeMutablePointer<O>, rows outputRows: Range<Int>,
    channels: Range<Int>
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
        let channelEnd = channels.upperBound
        // One output pixel, channels from `firstChannel` (a multiple of 8) to `channelEnd`, taps gathered per pixel.
        @inline(__always) func pixel(_ image: UnsafePointer<X>, _ oy: Int, _ ox: Int, from firstChannel: Int,
                                     _ out: UnsafeMutablePointer<O>) {
            p.gatherTapRows(image: image, oy: oy, ox: ox, zeroRow: zeroRow, into: rows.baseAddress!)
            if multiplier == 1 {
                var c = firstChannel
                while c + 8 <= channelEnd {
                    #if arch(arm64)
                    var sum = NEONAccumulator8(UnsafeRawPointer(foldedBias + c).loadUnaligned(as: SIMD8<Int32>.self))
                    for t in 0..<taps { sum.add(load8Int16(rows[t] + c), load8Int16(filter + t * oc + c)) }
                    let acc = sum.value
                    #else
                    var acc = UnsafeRawPointer(foldedBias + c).loadUnaligned(as: SIMD8<Int32>.self)
                    for t in 0..<taps {
                        acc &+= load8(rows[t] + c) &* load8(filter + t * oc + c)
                    }
                    #endif
                    requantizeAndStore8(acc, multiplier: ChannelRequantization.lanes(mult, c),
                                        shift: ChannelRequantization.lanes(shift, c),
                                        zeroPoint: zp, min: lo, max: hi, to: out + c)
                    c += 8
                }
                while c < channelEnd {
                    var acc = foldedBias[c]
                    for t in 0..<taps {
                        acc &+= Int32(truncatingIfNeeded: rows[t][c]) &* Int32(truncatingIfNeeded: filter[t * oc + c])
                    }
                    store(acc, c, out)
                    c += 1
                }
            } else {
                for o in firstChannel..<channelEnd {
                    let c = o / multiplier
                    var acc = foldedBias[o]
                    for t in 0..<taps {
                        acc &+= Int32(truncatingIfNeeded: rows[t][c]) &* Int32(truncatingIfNeeded: filter[t * oc + o])
                    }
                    store(acc, o, out)
                }
            }
        }
        // 3×3 with multiplier 1 (nearly every depthwise layer in MobileNets): on rows whose taps are all inside
        // the image, the pixels whose taps are all inside too run channel block by channel block, with the nine
        // weight vectors, bias and multipliers held in registers across the row instead of reloaded per pixel.
        let fast3x3 = multiplier == 1 && p.filterHeight == 3 && p.filterWidth == 3 && channels.count >= 8
        let sw = p.strideWidth, pl = p.paddingLeft
        let firstInterior = fast3x3 ? (pl + sw - 1) / sw : 0
        let lastTapStart = p.inputWidth - 1 - 2 * p.dilationWidth + pl   // the largest ox × sw whose taps fit
        let lastInterior = fast3x3 && lastTapStart >= 0 ? lastTapStart / sw : -1   // inclusive
        let blockEnd = channels.lowerBound + (channels.count & ~7)
        for row in outputRows {
            let b = row / p.outputHeight, oy = row % p.outputHeight
            let image = input + b * p.inputHeight * p.inputWidth * ic
            let out = output + row * p.outputWidth * oc
            let iy0 = oy * p.strideHeight - p.paddingTop
            let rowInside = iy0 >= 0 && iy0 + 2 * p.dilationHeight < p.inputHeight
            let interior = fast3x3 && rowInside && firstInterior <= min(lastInterior, p.outputWidth - 1)
                ? firstInterior..<(min(lastInterior, p.outputWidth - 1) + 1) : 0..<0
            if interior.isEmpty {
                for ox in 0..<p.outputWidth { pixel(image, oy, ox, from: channels.lowerBound, out + ox * oc) }
                continue
            }
            for ox in 0..<interior.lowerBound { pixel(image, oy, ox, from: channels.lowerBound, out + ox * oc) }
            let tx = p.dilationWidth * ic, ty = p.dilationHeight * p.inputWidth * ic
            let rowStart = image + (iy0 * p.inputWidth - pl) * ic
            var c = channels.lowerBound
            #if arch(arm64)
            // The same loop with int16 weights and `smlal` (NEONAccumulator8): 9 widening loads and 18
            // multiply-accumulates per 8 outputs instead of 36 widenings, 18 multiplies and 18 adds.
            while c < blockEnd {
                let w0 = load8Int16(filter + c), w1 = load8Int16(filter + oc + c), w2 = load8Int16(filter + 2 * oc + c)
                let w3 = load8Int16(filter + 3 * oc + c), w4 = load8Int16(filter + 4 * oc + c)
                let w5 = load8Int16(filter + 5 * oc + c), w6 = load8Int16(filter + 6 * oc + c)
                let w7 = load8Int16(filter + 7 * oc + c), w8 = load8Int16(filter + 8 * oc + c)
                let bias = UnsafeRawPointer(foldedBias + c).loadUnaligned(as: SIMD8<Int32>.self)
                let m = ChannelRequantization.lanes(mult, c), s = ChannelRequantization.lanes(shift, c)
                for ox in interior {
                    let x = rowStart + ox * sw * ic + c
                    var acc = NEONAccumulator8(bias)
                    acc.add(load8Int16(x), w0); acc.add(load8Int16(x + tx), w1); acc.add(load8Int16(x + 2 * tx), w2)
                    acc.add(load8Int16(x + ty), w3); acc.add(load8Int16(x + ty + tx), w4); acc.add(load8Int16(x + ty + 2 * tx), w5)
                    acc.add(load8Int16(x + 2 * ty), w6); acc.add(load8Int16(x + 2 * ty + tx), w7)
                    acc.add(load8Int16(x + 2 * ty + 2 * tx), w8)
                    requantizeAndStore8(acc.value, multiplier: m, shift: s, zeroPoint: zp, min: lo, max: hi, to: out + ox * oc + c)
                }
                c += 8
            }
            #endif
            while c < blockEnd {
                let w0 = load8(filter + c), w1 = load8(filter + oc + c), w2 = load8(filter + 2 * oc + c)
                let w3 = load8(filter + 3 * oc + c), w4 = load8(filter + 4 * oc + c), w5 = load8(filter + 5 * oc + c)
                let w6 = load8(filter + 6 * oc + c), w7 = load8(filter + 7 * oc + c), w8 = load8(filter + 8 * oc + c)
                let bias = UnsafeRawPointer(foldedBias + c).loadUnaligned(as: SIMD8<Int32>.self)
                let m = ChannelRequantization.lanes(mult, c), s = ChannelRequantization.lanes(shift, c)
                for ox in interior {
                    let x = rowStart + ox * sw * ic + c
                    var acc = bias &+ load8(x) &* w0 &+ load8(x + tx) &* w1 &+ load8(x + 2 * tx) &* w2
                    acc &+= load8(x + ty) &* w3 &+ load8(x + ty + tx) &* w4 &+ load8(x + ty + 2 * tx) &* w5
                    acc &+= load8(x + 2 * ty) &* w6 &+ load8(x + 2 * ty + tx) &* w7 &+ load8(x + 2 * ty + 2 * tx) &* w8
                    requantizeAndStore8(acc, multiplier: m, shift: s, zeroPoint: zp, min: lo, max: hi, to: out + ox * oc + c)
                }
                c += 8
            }
            if blockEnd < channelEnd {
                for ox in interior { pixel(image, oy, ox, from: blockEnd, out + ox * oc) }
            }
            for ox in interior.upperBound..<p.outputWidth { pixel(image, oy, ox, from: channels.lowerBound, out + ox * oc) }
        }
    }
    }
    }
}
