import CDotProduct

extension DepthwiseConv2DParameters {
    /// Whether the int8 multiplier-1 depthwise kernel may take the sixteen-lane AVX-512 path
    /// (`edgefleet_avx512_depthwise_*`). It follows the GEMM kernel, as ADD does (true when ``Microkernel/selected``
    /// is `avx512-vnni`, which implies AVX-512 F and BW), so `EDGEFLEET_MICROKERNEL=avx2` measures and tests the
    /// eight-lane Swift twin on the same CPU.
    public static let sixteenLanesByDefault: Bool = Microkernel.selected == .avx512VNNI && CPUFeatures.current.hasAVX512VNNI
}

/// Int8 depthwise on AVX-512: the interior pixels of each row (all taps inside the image) as one run per channel
/// block with the weights in registers; border pixels (and runs shorter than eight) through their tap pointers, in
/// C batches of eight across rows with each block's weights loaded once per batch (one by one beyond
/// `EDGEFLEET_DEPTHWISE_MAX_TAPS` taps, where the loop stays in Swift). Any filter
/// size, stride, dilation and padding; any depth multiplier up to `EDGEFLEET_DEPTHWISE_MAX_TAPS` taps (the loop
/// runs in C), multiplier 1 beyond. Byte-exact with the Swift `depthwise` loop (its twin). Call only when the CPU
/// has AVX-512 F and BW.
@usableFromInline
func depthwiseSixteenLanes(
    _ dp: DepthwiseConv2DParameters, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>,
    rows outputRows: Range<Int>, channels: Range<Int>
) {
    let p = dp.convolution
    let ic = p.inputChannels, oc = p.outputChannels
    let fh = p.filterHeight, fw = p.filterWidth, taps = fh * fw
    let zp = p.requantization.outputZeroPoint
    let lo = p.requantization.outputMin, hi = p.requantization.outputMax
    let first = channels.lowerBound, end = channels.upperBound
    p.requantization.multipliers.withUnsafeBufferPointer { mult in
    p.requantization.shifts.withUnsafeBufferPointer { shift in
    if taps <= Int(EDGEFLEET_DEPTHWISE_MAX_TAPS) {
        // The whole loop in C (border pixels' taps resolved there too).
        var shape = p.cShape
        edgefleet_avx512_depthwise_rows(&shape, input, zeroRow, filter, foldedBias, mult.baseAddress!, shift.baseAddress!,
                                        zp, lo, hi, output, outputRows.lowerBound, outputRows.upperBound, first, end)
        return
    }
    withUnsafeTemporaryAllocation(of: UnsafePointer<Int8>.self, capacity: max(taps, 1)) { rows in
    withUnsafeTemporaryAllocation(of: Int.self, capacity: max(taps, 1)) { offsets in
        let rowPointers = UnsafeRawPointer(rows.baseAddress!).assumingMemoryBound(to: UnsafePointer<Int8>?.self)
        for ky in 0..<fh {
            for kx in 0..<fw { offsets[ky * fw + kx] = (ky * p.dilationHeight * p.inputWidth + kx * p.dilationWidth) * ic }
        }
        // Output columns whose taps all lie inside the row: ox × sw − pl ≥ 0 and ox × sw − pl + (fw − 1) × dw < iw.
        let sw = p.strideWidth, pl = p.paddingLeft
        let firstInterior = (pl + sw - 1) / sw
        let lastTapStart = p.inputWidth - 1 - (fw - 1) * p.dilationWidth + pl
        let lastInterior = lastTapStart >= 0 ? min(lastTapStart / sw, p.outputWidth - 1) : -1   // inclusive
        @inline(__always) func pixel(_ image: UnsafePointer<Int8>, _ oy: Int, _ ox: Int, _ out: UnsafeMutablePointer<Int8>) {
            p.gatherTapRows(image: image, oy: oy, ox: ox, zeroRow: zeroRow, into: rows.baseAddress!)
            edgefleet_avx512_depthwise_pixel(rowPointers, taps, filter, oc, first, end, foldedBias, mult.baseAddress!,
                                             shift.baseAddress!, zp, lo, hi, out)
        }
        for row in outputRows {
            let b = row / p.outputHeight, oy = row % p.outputHeight
            let image = input + b * p.inputHeight * p.inputWidth * ic
            let out = output + row * p.outputWidth * oc
            let iy0 = oy * p.strideHeight - p.paddingTop
            let rowInside = iy0 >= 0 && iy0 + (fh - 1) * p.dilationHeight < p.inputHeight
            guard rowInside, firstInterior <= lastInterior else {
                for ox in 0..<p.outputWidth { pixel(image, oy, ox, out + ox * oc) }
                continue
            }
            for ox in 0..<firstInterior { pixel(image, oy, ox, out + ox * oc) }
            let x0 = image + (iy0 * p.inputWidth + firstInterior * sw - pl) * ic
            edgefleet_avx512_depthwise_interior(x0, lastInterior - firstInterior + 1, sw * ic, offsets.baseAddress!, taps,
                                                filter, oc, first, end, foldedBias, mult.baseAddress!, shift.baseAddress!,
                                                zp, lo, hi, out + firstInterior * oc, oc)
            for ox in (lastInterior + 1)..<p.outputWidth { pixel(image, oy, ox, out + ox * oc) }
        }
    }
    }
    }
    }
}
