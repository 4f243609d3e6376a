import CDotProduct

/// Legacy uint8 CONV_2D on AVX-512 VNNI, for a filter packed as uint8 quads
/// (``PackedFilter/unsignedQuads(filter:zeroPoint:outputChannels:taps:inputChannels:)``), bit-exact with the uint8
/// ``conv2DReference(_:input:filter:foldedBias:zeroRow:output:)`` (TFLite's reference `Conv` with offsets).
///
/// A 1×1 stride-1 layer runs without a gather (its input rows are the packed rows); every other geometry gathers
/// its taps in C. Arguments as in the uint8 `conv2D`; `pixels` and `blocks` must not be empty. The caller checks
/// ``PackedFilter/unsignedQuadsAvailable``: the kernels execute AVX-512 VNNI instructions.
func convolveUnsignedQuads(
    _ p: Conv2DParameters, input: UnsafePointer<UInt8>, filter: borrowing PackedFilter, foldedBias: UnsafePointer<Int32>,
    zeroRow: UnsafePointer<UInt8>, scratch: UnsafeMutableRawPointer, output: UnsafeMutablePointer<UInt8>,
    pixels range: Range<Int>, blocks: Range<Int>
) {
    guard let weightOffset = filter.unsignedWeightOffset else { preconditionFailure("not a uint8 quad filter") }
    precondition(p.requantization.doubleScales == nil, "the uint8 quad kernels requantise with fixed-point multipliers")
    let requantization = p.requantization
    let zp = requantization.outputZeroPoint, lo = requantization.outputMin, hi = requantization.outputMax
    let bytes = scratch.assumingMemoryBound(to: UInt8.self)
    filter.quads.withUnsafeBufferPointer { quads in
    requantization.multipliers.withUnsafeBufferPointer { mult in
    requantization.shifts.withUnsafeBufferPointer { shift in
        if p.isPointwise {
            edgefleet_vnni512_u8_conv1x1(
                input, range.lowerBound, range.upperBound, p.inputChannels, bytes, quads.baseAddress!, blocks.lowerBound,
                blocks.upperBound, filter.kQuads, weightOffset, p.outputChannels, foldedBias, mult.baseAddress!,
                shift.baseAddress!, zp, lo, hi, output)
        } else {
            var shape = p.cShape
            edgefleet_vnni512_u8_conv_gather(
                &shape, input, zeroRow[0], range.lowerBound, range.upperBound, bytes, quads.baseAddress!,
                blocks.lowerBound, blocks.upperBound, filter.kQuads, weightOffset, foldedBias, mult.baseAddress!,
                shift.baseAddress!, zp, lo, hi, output)
        }
    }
    }
    }
}
