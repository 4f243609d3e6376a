import CDotProduct

/// Legacy uint8 depthwise (depth multiplier 1) on AVX-512, sixteen channels per register: the whole row loop in C
/// (`edgefleet_avx512_u8_depthwise_rows`), border pixels through their taps, each row's interior per channel block
/// with the weights in registers. Byte-exact with the Swift `depthwise` loop (its twin). The caller checks the
/// multiplier (1), the tap count (≤ `EDGEFLEET_DEPTHWISE_MAX_TAPS`) and that the CPU has AVX-512 F and BW.
func depthwiseSixteenLanesUInt8(
    _ dp: DepthwiseConv2DParameters, input: UnsafePointer<UInt8>, filter: UnsafePointer<Int16>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<UInt8>, output: UnsafeMutablePointer<UInt8>,
    rows outputRows: Range<Int>, channels: Range<Int>
) {
    let p = dp.convolution
    precondition(dp.depthMultiplier == 1 && p.filterHeight * p.filterWidth <= Int(EDGEFLEET_DEPTHWISE_MAX_TAPS),
                 "the uint8 AVX-512 depthwise takes multiplier 1 and at most EDGEFLEET_DEPTHWISE_MAX_TAPS taps")
    let requantization = p.requantization
    requantization.multipliers.withUnsafeBufferPointer { mult in
    requantization.shifts.withUnsafeBufferPointer { shift in
        var shape = p.cShape
        edgefleet_avx512_u8_depthwise_rows(
            &shape, input, zeroRow, filter, foldedBias, mult.baseAddress!, shift.baseAddress!,
            requantization.outputZeroPoint, requantization.outputMin, requantization.outputMax, output,
            outputRows.lowerBound, outputRows.upperBound, channels.lowerBound, channels.upperBound)
    }
    }
}
