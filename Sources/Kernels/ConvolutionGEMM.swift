import CDotProduct

/// Int8 CONV_2D through the packed GEMM microkernel, bit-exact with TFLite's reference `ConvPerChannel`.
///
/// - `input`: NHWC int8. `filter`: packed from the OHWI int8 filter (zero point 0).
/// - `foldedBias`: `foldedConvolutionBias` of the unpacked filter. `zeroRow`: `inputChannels` input zero points.
/// - `scratch`: `filter.scratchBytes(pixels: 4)` bytes, 4-byte aligned, owned by the caller (the arena).
/// - `output`: NHWC int8; must not alias `input`.
/// - `pixels`: the output pixels (batch-major, row-major) to compute, all by default; `blocks`: the filter's
///   16-channel blocks to compute, all by default. Disjoint pixel or block ranges may run on different threads at
///   once, each with its own `scratch` (blocks when a small layer has too few pixels to share evenly).
public func conv2D(
    _ p: Conv2DParameters, input: UnsafePointer<Int8>, filter: borrowing PackedFilter, foldedBias: UnsafePointer<Int32>,
    zeroRow: UnsafePointer<Int8>, scratch: UnsafeMutableRawPointer, output: UnsafeMutablePointer<Int8>,
    pixels: Range<Int>? = nil, blocks: Range<Int>? = nil
) {
    convolveGEMM(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, scratch: scratch, output: output,
                 pixels: pixels ?? 0..<(p.batches * p.outputHeight * p.outputWidth), blocks: blocks ?? 0..<filter.blocks)
}

/// Legacy uint8 CONV_2D through the packed GEMM microkernel (filter packed with its zero point subtracted),
/// or through the AVX-512 VNNI uint8 kernels when the filter holds uint8 quads (`ConvolutionGEMM+UnsignedQuads.swift`).
public func conv2D(
    _ p: Conv2DParameters, input: UnsafePointer<UInt8>, filter: borrowing PackedFilter, foldedBias: UnsafePointer<Int32>,
    zeroRow: UnsafePointer<UInt8>, scratch: UnsafeMutableRawPointer, output: UnsafeMutablePointer<UInt8>,
    pixels: Range<Int>? = nil, blocks: Range<Int>? = nil
) {
    if filter.usesUnsignedQuads {
        convolveUnsignedQuads(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, scratch: scratch,
                              output: output, pixels: pixels ?? 0..<(p.batches * p.outputHeight * p.outputWidth),
                              blocks: blocks ?? 0..<filter.blocks)
        return
    }
    convolveGEMM(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, scratch: scratch, output: output,
                 pixels: pixels ?? 0..<(p.batches * p.outputHeight * p.outputWidth), blocks: blocks ?? 0..<filter.blocks)
}

/// Calls `body` with each run of the receptive field's rows that lie back to back in memory, in tap order.
///
/// Taps whose rows follow each other (neighbours along x without padding) form one run: with few input channels
/// (an RGB stem has 3) this turns nine 3-value copies into three 9-value ones. Equal addresses mean equal values,
/// so merging is exact even where a run crosses into another buffer.
@inlinable @inline(__always)
func forEachTapRun<X>(rows: UnsafeMutablePointer<UnsafePointer<X>>, taps: Int, channels: Int,
                      _ body: (_ row: UnsafePointer<X>, _ count: Int) -> Void) {
    var t = 0
    while t < taps {
        let row = rows[t]
        var run = channels
        t += 1
        while t < taps && rows[t] == row + run {
            run += channels
            t += 1
        }
        body(row, run)
    }
}

/// Packs one pixel's receptive field (taps × channels, in that order) as consecutive int16 values, zero-padded
/// to an even count. Read as Int32, consecutive values are exactly the (k, k+1) pairs the microkernel multiplies.
@inlinable @inline(__always)
func packPairs<X: FixedWidthInteger>(rows: UnsafeMutablePointer<UnsafePointer<X>>, taps: Int, channels: Int,
                                     into pairs: UnsafeMutablePointer<Int32>) {
    let values = UnsafeMutableRawPointer(pairs).assumingMemoryBound(to: Int16.self)
    var k = 0
    forEachTapRun(rows: rows, taps: taps, channels: channels) { row, run in
        widenRun(row, count: run, into: values + k)
        k += run
    }
    if k & 1 != 0 { values[k] = 0 }
}

/// Widens `count` contiguous values to int16 at `values`: sixteen, then eight at a time for int8 (one
/// sign-extending load each), the rest one by one. Reads and writes exactly `count` values.
@inlinable @inline(__always)
func widenRun<X: FixedWidthInteger>(_ row: UnsafePointer<X>, count: Int, into values: UnsafeMutablePointer<Int16>) {
    var c = 0
    if X.self == Int8.self {
        let bytes = UnsafeRawPointer(row)
        while c + 16 <= count {
            let v = SIMD16<Int16>(truncatingIfNeeded: bytes.loadUnaligned(fromByteOffset: c, as: SIMD16<Int8>.self))
            UnsafeMutableRawPointer(values + c).storeBytes(of: v, as: SIMD16<Int16>.self)
            c += 16
        }
        if c + 8 <= count {
            let v = SIMD8<Int16>(truncatingIfNeeded: bytes.loadUnaligned(fromByteOffset: c, as: SIMD8<Int8>.self))
            UnsafeMutableRawPointer(values + c).storeBytes(of: v, as: SIMD8<Int16>.self)
            c += 8
        }
        // At most seven left: straight-line code, not a loop LLVM would vectorise behind overlap checks that cost
        // more than the copy (a stem's 9-value run spent 45 instructions there).
        if c + 4 <= count {
            let v = SIMD4<Int16>(truncatingIfNeeded: bytes.loadUnaligned(fromByteOffset: c, as: SIMD4<Int8>.self))
            UnsafeMutableRawPointer(values + c).storeBytes(of: v, as: SIMD4<Int16>.self)
            c += 4
        }
        if c + 2 <= count {
            values[c] = Int16(truncatingIfNeeded: row[c])
            values[c + 1] = Int16(truncatingIfNeeded: row[c + 1])
            c += 2
        }
        if c < count { values[c] = Int16(truncatingIfNeeded: row[c]) }
        return
    }
    while c < count {
        values[c] = Int16(truncatingIfNeeded: row[c])
        c += 1
    }
}

/// Widens one pixel's `channels` contiguous values to int16, zero-padded to an even count: `packPairs` for a 1×1
/// convolution, whose receptive field is the pixel itself (no tap rows to gather or merge).
@inlinable @inline(__always)
func widenPairs<X: FixedWidthInteger>(_ row: UnsafePointer<X>, channels: Int, into pairs: UnsafeMutablePointer<Int32>) {
    let values = UnsafeMutableRawPointer(pairs).assumingMemoryBound(to: Int16.self)
    widenRun(row, count: channels, into: values)
    if channels & 1 != 0 { values[channels] = 0 }
}

/// `packPairs` for a pixel whose taps all lie inside the image, with taps along x adjacent (dilation width 1): its
/// receptive field is `filterHeight` runs of `filterWidth × channels` contiguous values, one per filter row, so
/// neither the tap pointers nor the run merging are needed (an RGB stem's 3×3 pixel: three runs of nine values,
/// about a tenth of the instructions of gathering and merging nine 3-value taps).
@inlinable @inline(__always)
func packInteriorPairs<X: FixedWidthInteger>(_ p: Conv2DParameters, firstTap: UnsafePointer<X>,
                                             into pairs: UnsafeMutablePointer<Int32>) {
    let values = UnsafeMutableRawPointer(pairs).assumingMemoryBound(to: Int16.self)
    let run = p.filterWidth * p.inputChannels, rowStep = p.dilationHeight * p.inputWidth * p.inputChannels
    var row = firstTap
    for ky in 0..<p.filterHeight {
        widenRun(row, count: run, into: values + ky * run)
        row += rowStep
    }
    let k = p.filterHeight * run
    if k & 1 != 0 { values[k] = 0 }
}

@inlinable @inline(__always)
func convolveGEMM<X: FixedWidthInteger, O: QuantizedElement>(
    _ p: Conv2DParameters, input: UnsafePointer<X>, filter: borrowing PackedFilter, foldedBias: UnsafePointer<Int32>,
    zeroRow: UnsafePointer<X>, scratch: UnsafeMutableRawPointer, output: UnsafeMutablePointer<O>, pixels range: Range<Int>,
    blocks: Range<Int>
) {
    let ic = p.inputChannels, oc = p.outputChannels
    let taps = p.filterHeight * p.filterWidth
    let kPairs = filter.kPairs
    let totalPixels = range.upperBound
    let pairs = scratch.bindMemory(to: Int32.self, capacity: 4 * kPairs)
    // The quad kernels (VNNI, `sdot`): int8 activations against int8 quads (the filter was packed for them at
    // prepare time); VNNI takes the activations with their sign bit flipped.
    let kernel = filter.microkernel
    let useQuads = filter.usesQuads && X.self == Int8.self
    let flipSign = kernel.flipsActivationSign
    let kQuads = filter.kQuads
    let quadBytes = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: Int8.self)
    let doubleScales = p.requantization.doubleScales
    // The AVX-512 VNNI kernel requantises in C too (int8 outputs, fixed-point multipliers); otherwise Swift does.
    let fusedRequantization = kernel == .avx512VNNI && useQuads && doubleScales == nil && O.self == Int8.self
    filter.quadStarts.withUnsafeBufferPointer { starts in
    filter.quads.withUnsafeBufferPointer { quads in
    filter.weights.withUnsafeBufferPointer { packed in
    p.requantization.multipliers.withUnsafeBufferPointer { mult in
    p.requantization.shifts.withUnsafeBufferPointer { shift in
    withUnsafeTemporaryAllocation(of: UnsafePointer<X>.self, capacity: max(taps, 1)) { rows in
    withUnsafeTemporaryAllocation(of: Int32.self, capacity: 64) { tile in
        let zp = p.requantization.outputZeroPoint
        let lo = p.requantization.outputMin, hi = p.requantization.outputMax
        if fusedRequantization && p.isPointwise {
            // 1×1, stride 1: output pixel = input pixel, so no taps to gather; the whole range in one C call.
            edgefleet_vnni512_conv1x1(
                UnsafeRawPointer(input).assumingMemoryBound(to: Int8.self), range.lowerBound, range.upperBound, ic,
                UnsafeMutableRawPointer(quadBytes).assumingMemoryBound(to: UInt8.self), quads.baseAddress!,
                blocks.lowerBound, blocks.upperBound, kQuads, starts.baseAddress!, oc, foldedBias, mult.baseAddress!,
                shift.baseAddress!, zp, lo, hi, UnsafeMutableRawPointer(output).assumingMemoryBound(to: Int8.self))
            return
        }
        if fusedRequantization {
            // Any other geometry: the taps gathered and packed in C too, four pixels per call into the tile.
            var shape = p.cShape
            edgefleet_vnni512_conv_gather(
                &shape, UnsafeRawPointer(input).assumingMemoryBound(to: Int8.self),
                Int8(truncatingIfNeeded: zeroRow[0]), range.lowerBound, range.upperBound,
                UnsafeMutableRawPointer(quadBytes).assumingMemoryBound(to: UInt8.self), quads.baseAddress!,
                blocks.lowerBound, blocks.upperBound, kQuads, starts.baseAddress!, foldedBias, mult.baseAddress!,
                shift.baseAddress!, zp, lo, hi, UnsafeMutableRawPointer(output).assumingMemoryBound(to: Int8.self))
            return
        }
        var pixel = range.lowerBound
        let pointwisePairs = p.isPointwise && !useQuads
        // Output coordinates of the next pixel, advanced incrementally (no division per pixel).
        let pixelsPerImage = p.outputHeight * p.outputWidth
        var b = pixel / max(pixelsPerImage, 1), oy = (pixel % max(pixelsPerImage, 1)) / max(p.outputWidth, 1)
        var ox = pixel % max(p.outputWidth, 1)
        while pixel < totalPixels {
            let count = min(4, totalPixels - pixel)
            if pointwisePairs {
                // 1×1, stride 1: the pixel's channels are its whole receptive field.
                for i in 0..<count {
                    widenPairs(input + (pixel + i) * ic, channels: ic, into: pairs + i * kPairs)
                }
            } else {
                // Gather the receptive field of each pixel in the block: int16 pairs, or quads for `sdot`/VNNI.
                for i in 0..<count {
                    let image = input + b * p.inputHeight * p.inputWidth * ic
                    if useQuads {
                        p.gatherTapRows(image: image, oy: oy, ox: ox, zeroRow: zeroRow, into: rows.baseAddress!)
                        let int8Rows = UnsafeMutableRawPointer(rows.baseAddress!).assumingMemoryBound(to: UnsafePointer<Int8>.self)
                        packQuads(rows: int8Rows, taps: taps, channels: ic, kQuads: kQuads, into: quadBytes + i * kQuads * 4,
                                  flipSign: flipSign)
                    } else if p.dilationWidth == 1, let first = p.interiorFirstTap(oy: oy, ox: ox) {
                        packInteriorPairs(p, firstTap: image + first, into: pairs + i * kPairs)
                    } else {
                        p.gatherTapRows(image: image, oy: oy, ox: ox, zeroRow: zeroRow, into: rows.baseAddress!)
                        packPairs(rows: rows.baseAddress!, taps: taps, channels: ic, into: pairs + i * kPairs)
                    }
                    ox += 1
                    if ox == p.outputWidth {
                        ox = 0
                        oy += 1
                        if oy == p.outputHeight { oy = 0; b += 1 }
                    }
                }
            }
            // A partial block repeats its last pixel; those results are not stored.
            let p0 = UnsafePointer(pairs)
            let p1 = UnsafePointer(pairs + min(1, count - 1) * kPairs)
            let p2 = UnsafePointer(pairs + min(2, count - 1) * kPairs)
            let p3 = UnsafePointer(pairs + min(3, count - 1) * kPairs)
            let narrowBlock = filter.narrowLastBlock ? filter.blocks - 1 : -1
            let q0 = UnsafePointer(quadBytes)
            let q1 = UnsafePointer(quadBytes + min(1, count - 1) * kQuads * 4)
            let q2 = UnsafePointer(quadBytes + min(2, count - 1) * kQuads * 4)
            let q3 = UnsafePointer(quadBytes + min(3, count - 1) * kQuads * 4)
            for block in blocks {
                if useQuads {
                    let w = quads.baseAddress! + block * kQuads * 64
                    switch kernel {
                    case .avx512VNNI, .avxVNNI:
                        let u = UnsafeRawPointer(quadBytes)
                        gemmTile4x16VNNI(kernel, weights: w, pixels: u.assumingMemoryBound(to: UInt8.self),
                                         (u + (q1 - q0)).assumingMemoryBound(to: UInt8.self),
                                         (u + (q2 - q0)).assumingMemoryBound(to: UInt8.self),
                                         (u + (q3 - q0)).assumingMemoryBound(to: UInt8.self),
                                         kQuads: kQuads, starts: starts.baseAddress! + block * 16, accumulators: tile.baseAddress!)
                    case .sdot:
                        gemmTile4x16Quads(weights: w, pixels: q0, q1, q2, q3, kQuads: kQuads, accumulators: tile.baseAddress!)
                    default:
                        gemmTile4x16QuadsPortable(weights: w, pixels: q0, q1, q2, q3, kQuads: kQuads, accumulators: tile.baseAddress!)
                    }
                } else if block == narrowBlock {
                    if kernel == .avx2 {
                        gemmTile4x8(weights: packed.baseAddress! + filter.blockOffset(block), pixels: p0, p1, p2, p3,
                                    kPairs: kPairs, accumulators: tile.baseAddress!)
                    } else {
                        gemmTile4x8Portable(weights: packed.baseAddress! + filter.blockOffset(block), pixels: p0, p1, p2, p3,
                                            kPairs: kPairs, accumulators: tile.baseAddress!)
                    }
                } else {
                    let w = packed.baseAddress! + filter.blockOffset(block)
                    switch kernel {
                    case .avx2:
                        if count == 1 {
                            gemmTile1x16(weights: w, pixel: p0, kPairs: kPairs, accumulators: tile.baseAddress!)
                            break
                        }
                        gemmTile4x16(weights: w, pixels: p0, p1, p2, p3, kPairs: kPairs, accumulators: tile.baseAddress!)
                    case .smlal:
                        gemmTile4x16SMLAL(weights: w, pixels: p0, p1, p2, p3, kPairs: kPairs, accumulators: tile.baseAddress!)
                    default:
                        gemmTile4x16Portable(weights: w, pixels: p0, p1, p2, p3, kPairs: kPairs, accumulators: tile.baseAddress!)
                    }
                }
                let firstChannel = block * 16
                let channels = min(16, oc - firstChannel)
                #if EDGEFLEET_AVX2
                if doubleScales == nil && channels == 16 && (O.self == Int8.self || O.self == UInt8.self) {
                    // A whole block: its constants once for the four pixels, sixteen bytes per store.
                    let prepared = PreparedRequantization16(bias: foldedBias, multipliers: mult.baseAddress!,
                                                            shifts: shift.baseAddress!, first: firstChannel)
                    for i in 0..<count {
                        requantizeAndStore16AVX2(tile.baseAddress! + i * 16, prepared, zeroPoint: zp, min: lo, max: hi,
                                                 to: UnsafeMutableRawPointer(output + (pixel + i) * oc + firstChannel),
                                                 unsigned: O.self == UInt8.self)
                    }
                    continue
                }
                #endif
                for i in 0..<count {
                    let out = output + (pixel + i) * oc + firstChannel
                    let acc = tile.baseAddress! + i * 16
                    var first = 0
                    if doubleScales == nil {
                        // Whole groups of eight channels (a partial block of 8, as in an 8-channel stem, too).
                        while first + 8 <= channels {
                            let c = firstChannel + first
                            let sum = UnsafeRawPointer(acc + first).loadUnaligned(as: SIMD8<Int32>.self)
                                &+ UnsafeRawPointer(foldedBias + c).loadUnaligned(as: SIMD8<Int32>.self)
                            requantizeAndStore8(sum, multiplier: ChannelRequantization.lanes(mult, c),
                                                shift: ChannelRequantization.lanes(shift, c),
                                                zeroPoint: zp, min: lo, max: hi, to: out + first)
                            first += 8
                        }
                    } else if let doubleScales {
                        // TFLite's double-precision FULLY_CONNECTED rescale, eight channels per step.
                        doubleScales.withUnsafeBufferPointer { scales in
                            while first + 8 <= channels {
                                let c = firstChannel + first
                                let sum = UnsafeRawPointer(acc + first).loadUnaligned(as: SIMD8<Int32>.self)
                                    &+ UnsafeRawPointer(foldedBias + c).loadUnaligned(as: SIMD8<Int32>.self)
                                O.store8(requantizeInDouble8(sum, scales: scales.baseAddress! + c, zeroPoint: zp, min: lo, max: hi),
                                         to: out + first)
                                first += 8
                            }
                        }
                    }
                    for j in first..<channels {
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
    }
}
