/// Int8 CONV_2D through the packed GEMM microkernel, bit-exact with TFLite's reference `ConvPerChannel`.
///
/// - `input`: NHWC int8. `filter`: packed from the OHWI int8 filter (zero point 0).
/// - `foldedBias`: `foldedConvolutionBias` of the unpacked filter. `zeroRow`: `inputChannels` input zero points.
/// - `scratch`: `filter.scratchBytes(pixels: 4)` bytes, 4-byte aligned, owned by the caller (the arena).
/// - `output`: NHWC int8; must not alias `input`.
public func conv2D(
    _ p: Conv2DParameters, input: UnsafePointer<Int8>, filter: borrowing PackedFilter, foldedBias: UnsafePointer<Int32>,
    zeroRow: UnsafePointer<Int8>, scratch: UnsafeMutableRawPointer, output: UnsafeMutablePointer<Int8>
) {
    convolveGEMM(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, scratch: scratch, output: output)
}

/// Legacy uint8 CONV_2D through the packed GEMM microkernel (filter packed with its zero point subtracted).
public func conv2D(
    _ p: Conv2DParameters, input: UnsafePointer<UInt8>, filter: borrowing PackedFilter, foldedBias: UnsafePointer<Int32>,
    zeroRow: UnsafePointer<UInt8>, scratch: UnsafeMutableRawPointer, output: UnsafeMutablePointer<UInt8>
) {
    convolveGEMM(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, scratch: scratch, output: output)
}

/// Packs one pixel's receptive field (taps × channels, in that order) as int16 pairs, zero-padded to even.
@inlinable @inline(__always)
func packPairs<X: FixedWidthInteger>(rows: UnsafeMutablePointer<UnsafePointer<X>>, taps: Int, channels: Int,
                                     into pairs: UnsafeMutablePointer<Int32>) {
    @inline(__always) func pair(_ lo: X, _ hi: X) -> Int32 {
        Int32(UInt16(bitPattern: Int16(truncatingIfNeeded: lo))) | Int32(truncatingIfNeeded: hi) << 16
    }
    if channels & 1 == 0 {
        var k = 0
        for t in 0..<taps {
            let row = rows[t]
            var c = 0
            while c < channels {
                pairs[k] = pair(row[c], row[c + 1])
                k += 1
                c += 2
            }
        }
    } else {
        // Odd channel counts: pairs straddle taps, so walk the receptive field element by element.
        var k = 0
        var pending: X? = nil
        for t in 0..<taps {
            let row = rows[t]
            for c in 0..<channels {
                if let lo = pending {
                    pairs[k] = pair(lo, row[c])
                    k += 1
                    pending = nil
                } else {
                    pending = row[c]
                }
            }
        }
        if let lo = pending { pairs[k] = pair(lo, 0) }
    }
}

@inlinable @inline(__always)
func convolveGEMM<X: FixedWidthInteger, O: QuantizedElement>(
    _ p: Conv2DParameters, input: UnsafePointer<X>, filter: borrowing PackedFilter, foldedBias: UnsafePointer<Int32>,
    zeroRow: UnsafePointer<X>, scratch: UnsafeMutableRawPointer, output: UnsafeMutablePointer<O>
) {
    let ic = p.inputChannels, oc = p.outputChannels
    let taps = p.filterHeight * p.filterWidth
    let kPairs = filter.kPairs
    let pixelsPerImage = p.outputHeight * p.outputWidth
    let totalPixels = p.batches * pixelsPerImage
    let pairs = scratch.bindMemory(to: Int32.self, capacity: 4 * kPairs)
    let doubleScales = p.requantization.doubleScales
    filter.weights.withUnsafeBufferPointer { packed in
    p.requantization.multipliers.withUnsafeBufferPointer { mult in
    p.requantization.shifts.withUnsafeBufferPointer { shift in
    withUnsafeTemporaryAllocation(of: UnsafePointer<X>.self, capacity: max(taps, 1)) { rows in
    withUnsafeTemporaryAllocation(of: Int32.self, capacity: 64) { tile in
        let zp = p.requantization.outputZeroPoint
        let lo = p.requantization.outputMin, hi = p.requantization.outputMax
        var pixel = 0
        while pixel < totalPixels {
            let count = min(4, totalPixels - pixel)
            // Gather the receptive field of each pixel in the block as int16 pairs.
            for i in 0..<count {
                let index = pixel + i
                let b = index / pixelsPerImage, within = index % pixelsPerImage
                let oy = within / p.outputWidth, ox = within % p.outputWidth
                let image = input + b * p.inputHeight * p.inputWidth * ic
                let iy0 = oy * p.strideHeight - p.paddingTop
                let ix0 = ox * p.strideWidth - p.paddingLeft
                var t = 0
                for ky in 0..<p.filterHeight {
                    let iy = iy0 + ky * p.dilationHeight
                    for kx in 0..<p.filterWidth {
                        let ix = ix0 + kx * p.dilationWidth
                        if iy >= 0 && iy < p.inputHeight && ix >= 0 && ix < p.inputWidth {
                            rows[t] = image + (iy * p.inputWidth + ix) * ic
                        } else {
                            rows[t] = zeroRow
                        }
                        t += 1
                    }
                }
                packPairs(rows: rows.baseAddress!, taps: taps, channels: ic, into: pairs + i * kPairs)
            }
            // A partial block repeats its last pixel; those results are not stored.
            let p0 = UnsafePointer(pairs)
            let p1 = UnsafePointer(pairs + min(1, count - 1) * kPairs)
            let p2 = UnsafePointer(pairs + min(2, count - 1) * kPairs)
            let p3 = UnsafePointer(pairs + min(3, count - 1) * kPairs)
            for block in 0..<filter.blocks {
                gemmTile4x16(weights: packed.baseAddress! + block * kPairs * 32, pixels: p0, p1, p2, p3,
                             kPairs: kPairs, accumulators: tile.baseAddress!)
                let firstChannel = block * 16
                let channels = min(16, oc - firstChannel)
                for i in 0..<count {
                    let out = output + (pixel + i) * oc + firstChannel
                    let acc = tile.baseAddress! + i * 16
                    if doubleScales == nil && channels == 16 {
                        for half in 0..<2 {
                            let c = firstChannel + 8 * half
                            let sum = UnsafeRawPointer(acc + 8 * half).loadUnaligned(as: SIMD8<Int32>.self)
                                &+ UnsafeRawPointer(foldedBias + c).loadUnaligned(as: SIMD8<Int32>.self)
                            requantizeAndStore8(sum, multiplier: ChannelRequantization.lanes(mult, c),
                                                shift: ChannelRequantization.lanes(shift, c),
                                                zeroPoint: zp, min: lo, max: hi, to: out + 8 * half)
                        }
                        continue
                    }
                    for j in 0..<channels {
                        let c = firstChannel + j
                        let sum = acc[j] &+ foldedBias[c]
                        var v: Int32
                        if let doubleScales {
                            v = clampToInt32((Double(sum) * doubleScales[c]).rounded(.toNearestOrAwayFromZero)) &+ zp
                        } else {
                            v = multiplyByQuantizedMultiplier(sum, mult[c], shift[c]) &+ zp
                        }
                        v = Swift.min(Swift.max(v, lo), hi)
                        out[j] = O(truncatingIfNeeded: v)
                    }
                }
            }
            pixel += count
        }
    }
    }
    }
    }
    }
}
