/// Convolution or fully-connected weights repacked once for the GEMM microkernel.
///
/// Layout: output channels in blocks of 16; within a block, for each pair of reduction indices (k, k+1)
/// the 16 channels' two weights interleaved: `[block][kPair][channel 0..<16][2]` as Int16. The reduction
/// index k = tap × inputChannels + channel runs over the whole receptive field, padded to even at its end;
/// padding and channels beyond `outputChannels` hold zero weights. This is the order the microkernel reads, so a
/// 16-channel × 2-k step is one 64-byte load, and the int16 pairs feed `pmaddwd` directly.
public struct PackedFilter: Sendable {
    public static let blockChannels = 16

    public var outputChannels: Int
    public var taps: Int
    public var inputChannels: Int
    /// Length of the reduction (taps × input channels) rounded up to even.
    public var paddedDepth: Int
    public var blocks: Int
    public var weights: [Int16]

    /// Packs an OHWI filter (`[outputChannels][taps][inputChannels]`), subtracting `zeroPoint` from each weight.
    @inlinable
    public init<W: FixedWidthInteger>(filter: UnsafePointer<W>, outputChannels: Int, taps: Int, inputChannels: Int, zeroPoint: Int32 = 0) {
        self.outputChannels = outputChannels
        self.taps = taps
        self.inputChannels = inputChannels
        paddedDepth = (taps * inputChannels + 1) & ~1
        blocks = (outputChannels + Self.blockChannels - 1) / Self.blockChannels
        let kPairs = paddedDepth / 2
        var packed = [Int16](repeating: 0, count: blocks * kPairs * Self.blockChannels * 2)
        for oc in 0..<outputChannels {
            let block = oc / Self.blockChannels, lane = oc % Self.blockChannels
            for t in 0..<taps {
                for c in 0..<inputChannels {
                    let k = t * inputChannels + c
                    let w = Int32(truncatingIfNeeded: filter[(oc * taps + t) * inputChannels + c]) - zeroPoint
                    packed[((block * kPairs + k / 2) * Self.blockChannels + lane) * 2 + (k & 1)] = Int16(truncatingIfNeeded: w)
                }
            }
        }
        weights = packed
    }

    /// Pairs of reduction indices per output channel.
    public var kPairs: Int { paddedDepth / 2 }

    /// Bytes of Int32 pair scratch the convolution needs for `pixels` output pixels.
    public func scratchBytes(pixels: Int) -> Int { pixels * kPairs * 4 }
}
