/// Convolution or fully-connected weights repacked once for the GEMM microkernel.
///
/// Layout: output channels in blocks of 16; within a block, for each pair of reduction indices (k, k+1)
/// the 16 channels' two weights interleaved: `[block][kPair][channel 0..<16][2]` as Int16. The reduction
/// index k = tap × inputChannels + channel runs over the whole receptive field, padded to even at its end;
/// padding and channels beyond `outputChannels` hold zero weights. This is the order the microkernel reads, so a
/// 16-channel × 2-k step is one 64-byte load, and the int16 pairs feed `pmaddwd` directly.
/// When the last block would hold at most 8 channels it is packed 8 wide (`[kPair][channel 0..<8][2]`) and runs
/// through the 4×8 microkernel: an 8-channel layer (a typical RGB stem) does no work on 8 zero channels.
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
        let remainder = outputChannels % Self.blockChannels
        narrowLastBlock = remainder > 0 && remainder <= Self.blockChannels / 2
        let kPairs = paddedDepth / 2
        let count = (blocks - (narrowLastBlock ? 1 : 0)) * kPairs * Self.blockChannels * 2
            + (narrowLastBlock ? kPairs * Self.blockChannels : 0)
        var packed = [Int16](repeating: 0, count: count)
        for oc in 0..<outputChannels {
            let block = oc / Self.blockChannels, lane = oc % Self.blockChannels
            let width = narrowLastBlock && block == blocks - 1 ? Self.blockChannels / 2 : Self.blockChannels
            let base = block * kPairs * Self.blockChannels * 2
            for t in 0..<taps {
                for c in 0..<inputChannels {
                    let k = t * inputChannels + c
                    let w = Int32(truncatingIfNeeded: filter[(oc * taps + t) * inputChannels + c]) - zeroPoint
                    packed[base + ((k / 2) * width + lane) * 2 + (k & 1)] = Int16(truncatingIfNeeded: w)
                }
            }
        }
        weights = packed
    }

    /// True when the last block holds at most 8 channels and is packed 8 wide for the 4×8 microkernel.
    public var narrowLastBlock: Bool

    /// Index of block `block`'s first weight in `weights`.
    @inlinable
    public func blockOffset(_ block: Int) -> Int { block * kPairs * Self.blockChannels * 2 }

    /// Pairs of reduction indices per output channel.
    public var kPairs: Int { paddedDepth / 2 }

    /// Bytes of Int32 pair scratch the convolution needs for `pixels` output pixels.
    public func scratchBytes(pixels: Int) -> Int { pixels * kPairs * 4 }
}
