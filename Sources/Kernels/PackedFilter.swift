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
    /// Int16 pair layout (empty when `quads` is used).
    public var weights: [Int16]
    /// Int8 quad layout for the `sdot` microkernel (empty unless chosen): `[block][kQuad][channel 0..<16][4]`.
    public var quads: [Int8]
    /// Groups of four reduction indices per output channel (the quad layout's depth).
    public var kQuads: Int
    /// The microkernel these weights were packed for (``Microkernel``), chosen at prepare time.
    public var microkernel: Microkernel
    /// Per output channel (`blocks × 16`, zero beyond `outputChannels`), the value the VNNI kernels' accumulators
    /// start from: −128 × the channel's weight sum, which cancels the +128 added to every activation so that
    /// `vpdpbusd` (unsigned × signed bytes) yields the signed dot product. Empty for other kernels.
    public var quadStarts: [Int32]
    /// Set for a legacy uint8 filter packed for the AVX-512 VNNI uint8 kernels (`PackedFilter+UnsignedQuads.swift`):
    /// the quads hold `w − 128`, and `128 − z_w` times each pixel's activation sum restores `w − z_w`. Nil otherwise.
    public var unsignedWeightOffset: Int32? = nil

    /// Which microkernel the packed weights feed.
    public enum Layout: Sendable {
        /// Whatever the microkernel reads: `quads` for the quad kernels (VNNI, `sdot`) when the weights are int8
        /// with zero point 0, else `pairs`.
        case automatic
        /// Int16 pairs for the `pmaddwd` / `smlal` / portable microkernels (`weights`).
        case pairs
        /// Int8 groups of four (`quads`); int8 weights with zero point 0 only. With a pair kernel requested, the
        /// best available quad kernel, or the portable quad twin.
        case quads
    }

    /// Packs an OHWI filter (`[outputChannels][taps][inputChannels]`), subtracting `zeroPoint` from each weight,
    /// for `microkernel` (``Microkernel/selected`` by default; a quad kernel falls back to the best pair kernel
    /// when the weights are not int8 with zero point 0). ``microkernel`` records the kernel actually used.
    @inlinable
    public init<W: FixedWidthInteger>(filter: UnsafePointer<W>, outputChannels: Int, taps: Int, inputChannels: Int, zeroPoint: Int32 = 0,
                                      layout: Layout = .automatic, microkernel requested: Microkernel? = nil) {
        self.outputChannels = outputChannels
        self.taps = taps
        self.inputChannels = inputChannels
        // Quads hold int8 weights: int8 filters, or wider ones (the interpreter widens to Int16) whose values all
        // fit, with no zero point to subtract. The caller asks for `.pairs` when the activations are not int8.
        var quadsPossible = zeroPoint == 0
        if quadsPossible && W.self != Int8.self {
            for i in 0..<outputChannels * taps * inputChannels where Int(truncatingIfNeeded: filter[i]) < -128 || Int(truncatingIfNeeded: filter[i]) > 127 {
                quadsPossible = false
                break
            }
        }
        precondition(layout != .quads || quadsPossible, "the quad layout needs int8 weight values with zero point 0")
        var kernel = (requested ?? Microkernel.selected).resolved(quadsPossible: quadsPossible)
        if layout == .pairs && kernel.usesQuads { kernel = Microkernel.bestPairs }
        if layout == .quads && !kernel.usesQuads {
            kernel = Microkernel.available.first(where: \.usesQuads) ?? .portableQuads
        }
        microkernel = kernel
        quadStarts = []
        kQuads = (taps * inputChannels + 3) / 4
        if kernel.usesQuads {
            // [block][kQuad][channel 0..<16][4] Int8; padding and missing channels are zero.
            paddedDepth = (taps * inputChannels + 1) & ~1
            blocks = (outputChannels + Self.blockChannels - 1) / Self.blockChannels
            narrowLastBlock = false
            var packed = [Int8](repeating: 0, count: blocks * kQuads * Self.blockChannels * 4)
            for oc in 0..<outputChannels {
                let block = oc / Self.blockChannels, lane = oc % Self.blockChannels
                for k in 0..<taps * inputChannels {
                    packed[((block * kQuads + k / 4) * Self.blockChannels + lane) * 4 + (k & 3)] = Int8(truncatingIfNeeded: filter[oc * taps * inputChannels + k])
                }
            }
            if kernel.flipsActivationSign {
                var starts = [Int32](repeating: 0, count: blocks * Self.blockChannels)
                for oc in 0..<outputChannels {
                    var sum: Int32 = 0
                    for k in 0..<taps * inputChannels { sum &+= Int32(truncatingIfNeeded: filter[oc * taps * inputChannels + k]) }
                    starts[oc] = sum &* -128
                }
                quadStarts = starts
            }
            quads = packed
            weights = []
            return
        }
        quads = []
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

    /// True when the weights are packed as int8 quads for the `sdot` microkernel.
    public var usesQuads: Bool { !quads.isEmpty }

    /// Bytes of activation scratch the convolution needs for `pixels` output pixels (int16 pairs, which is also
    /// at least what int8 quads need).
    public func scratchBytes(pixels: Int) -> Int { pixels * max(kPairs * 4, kQuads * 4) }
}
