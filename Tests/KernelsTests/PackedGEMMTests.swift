import Kernels
import TestSupport
import XCTest

/// The fast convolution kernels against literal ports of TFLite's reference loops, on random geometry.
final class PackedGEMMTests: XCTestCase {
    struct Case {
        var p: Conv2DParameters
        var multiplier: Int
    }

    /// A random convolution: odd and even channel counts, channels not a multiple of 16, strides, dilations, padding.
    static func randomCase(_ random: inout SeededGenerator, depthwise: Bool, maxChannels: Int = 21, maxFilter: Int = 3,
                           maxSize: Int = 9, multipliers: ClosedRange<Int> = 1...3) -> Case {
        let batches = Int.random(in: 1...2, using: &random)
        let h = Int.random(in: 1...maxSize, using: &random), w = Int.random(in: 1...maxSize, using: &random)
        let ic = Int.random(in: 1...maxChannels, using: &random)
        let multiplier = depthwise ? Int.random(in: multipliers, using: &random) : 1
        let oc = depthwise ? ic * multiplier : Int.random(in: 1...37, using: &random)
        let kh = Int.random(in: 1...maxFilter, using: &random), kw = Int.random(in: 1...maxFilter, using: &random)
        let sh = Int.random(in: 1...2, using: &random), sw = Int.random(in: 1...2, using: &random)
        let dh = Int.random(in: 1...2, using: &random), dw = Int.random(in: 1...2, using: &random)
        let same = Bool.random(using: &random)
        let rows = ConvolutionGeometry(inputSize: h, filterSize: kh, stride: sh, dilation: dh, same: same)
        let cols = ConvolutionGeometry(inputSize: w, filterSize: kw, stride: sw, dilation: dw, same: same)
        let scales = (0..<oc).map { _ in Float.random(in: 0.001...0.02, using: &random) }
        let requantization = ChannelRequantization(
            inputScale: 0.05, filterScales: scales, outputScale: Float.random(in: 0.02...0.2, using: &random), channels: oc,
            outputZeroPoint: Int32.random(in: -20...20, using: &random), outputMin: -128, outputMax: 127)
        let p = Conv2DParameters(
            batches: batches, inputHeight: h, inputWidth: w, inputChannels: ic, outputHeight: max(rows.outputSize, 1),
            outputWidth: max(cols.outputSize, 1), outputChannels: oc, filterHeight: kh, filterWidth: kw,
            strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw,
            paddingTop: rows.paddingBefore, paddingLeft: cols.paddingBefore, requantization: requantization)
        return Case(p: p, multiplier: multiplier)
    }

    /// TFLite's reference_integer_ops::ConvPerChannel, loop for loop (padding taps skipped, offset applied per tap).
    static func referenceConv(_ p: Conv2DParameters, input: [Int8], filter: [Int8], bias: [Int32], inputZeroPoint: Int32) -> [Int8] {
        var out = [Int8](repeating: 0, count: p.batches * p.outputHeight * p.outputWidth * p.outputChannels)
        for b in 0..<p.batches {
            for oy in 0..<p.outputHeight {
                for ox in 0..<p.outputWidth {
                    for oc in 0..<p.outputChannels {
                        var acc: Int32 = 0
                        for ky in 0..<p.filterHeight {
                            for kx in 0..<p.filterWidth {
                                let iy = oy * p.strideHeight - p.paddingTop + ky * p.dilationHeight
                                let ix = ox * p.strideWidth - p.paddingLeft + kx * p.dilationWidth
                                guard iy >= 0, iy < p.inputHeight, ix >= 0, ix < p.inputWidth else { continue }
                                for c in 0..<p.inputChannels {
                                    let x = Int32(input[((b * p.inputHeight + iy) * p.inputWidth + ix) * p.inputChannels + c])
                                    let w = Int32(filter[((oc * p.filterHeight + ky) * p.filterWidth + kx) * p.inputChannels + c])
                                    acc += w * (x - inputZeroPoint)
                                }
                            }
                        }
                        acc += bias[oc]
                        var v = multiplyByQuantizedMultiplier(acc, p.requantization.multipliers[oc], p.requantization.shifts[oc])
                        v += p.requantization.outputZeroPoint
                        out[((b * p.outputHeight + oy) * p.outputWidth + ox) * p.outputChannels + oc] = Int8(min(max(v, -128), 127))
                    }
                }
            }
        }
        return out
    }

    /// TFLite's reference_integer_ops::DepthwiseConvPerChannel.
    static func referenceDepthwise(_ p: Conv2DParameters, multiplier: Int, input: [Int8], filter: [Int8], bias: [Int32], inputZeroPoint: Int32) -> [Int8] {
        var out = [Int8](repeating: 0, count: p.batches * p.outputHeight * p.outputWidth * p.outputChannels)
        for b in 0..<p.batches {
            for oy in 0..<p.outputHeight {
                for ox in 0..<p.outputWidth {
                    for ic in 0..<p.inputChannels {
                        for m in 0..<multiplier {
                            let oc = ic * multiplier + m
                            var acc: Int32 = 0
                            for ky in 0..<p.filterHeight {
                                for kx in 0..<p.filterWidth {
                                    let iy = oy * p.strideHeight - p.paddingTop + ky * p.dilationHeight
                                    let ix = ox * p.strideWidth - p.paddingLeft + kx * p.dilationWidth
                                    guard iy >= 0, iy < p.inputHeight, ix >= 0, ix < p.inputWidth else { continue }
                                    let x = Int32(input[((b * p.inputHeight + iy) * p.inputWidth + ix) * p.inputChannels + ic])
                                    let w = Int32(filter[(ky * p.filterWidth + kx) * p.outputChannels + oc])
                                    acc += w * (x - inputZeroPoint)
                                }
                            }
                            acc += bias[oc]
                            var v = multiplyByQuantizedMultiplier(acc, p.requantization.multipliers[oc], p.requantization.shifts[oc])
                            v += p.requantization.outputZeroPoint
                            out[((b * p.outputHeight + oy) * p.outputWidth + ox) * p.outputChannels + oc] = Int8(min(max(v, -128), 127))
                        }
                    }
                }
            }
        }
        return out
    }

    func testPackedConvolutionMatchesTheReference() {
        var random = SeededGenerator(seed: 7)
        for _ in 0..<150 {
            checkConvolution(Self.randomCase(&random, depthwise: false), layout: .automatic, &random)
        }
    }

    /// One random convolution through the packed GEMM path with `layout`, and through the dot-product twin, against
    /// TFLite's reference loop.
    private func checkConvolution(_ c: Case, layout: PackedFilter.Layout, microkernel: Microkernel? = nil, splitting: Bool = false,
                                  _ random: inout SeededGenerator) {
        let p = c.p
        let taps = p.filterHeight * p.filterWidth
        let input = (0..<p.batches * p.inputHeight * p.inputWidth * p.inputChannels).map { _ in Int8.random(in: -128...127, using: &random) }
        let filter = (0..<p.outputChannels * taps * p.inputChannels).map { _ in Int8.random(in: -127...127, using: &random) }
        let bias = (0..<p.outputChannels).map { _ in Int32.random(in: -5000...5000, using: &random) }
        let zp = Int32.random(in: -128...127, using: &random)
        let expected = Self.referenceConv(p, input: input, filter: filter, bias: bias, inputZeroPoint: zp)
        let packed = filter.withUnsafeBufferPointer {
            PackedFilter(filter: $0.baseAddress!, outputChannels: p.outputChannels, taps: taps, inputChannels: p.inputChannels,
                         layout: layout, microkernel: microkernel)
        }
        if layout == .quads { XCTAssertTrue(packed.usesQuads) }
        if let microkernel { XCTAssertEqual(packed.microkernel, microkernel) }
        let folded = filter.withUnsafeBufferPointer { f in bias.withUnsafeBufferPointer { b in
            foldedConvolutionBias(bias: b.baseAddress, filter: f.baseAddress!, outputChannels: p.outputChannels,
                                  filterSizePerChannel: taps * p.inputChannels, inputZeroPoint: zp)
        } }
        let zeroRow = [Int8](repeating: Int8(zp), count: p.inputChannels)
        var scratch = [UInt8](repeating: 0, count: packed.scratchBytes(pixels: 4) + 4)
        var fast = [Int8](repeating: 0, count: expected.count)
        var plain = [Int8](repeating: 0, count: expected.count)
        scratch.withUnsafeMutableBytes { s in
            conv2D(p, input: input, filter: packed, foldedBias: folded, zeroRow: zeroRow, scratch: s.baseAddress!, output: &fast)
        }
        conv2DReference(p, input: input, filter: filter, foldedBias: folded, zeroRow: zeroRow, output: &plain)
        if splitting {
            // Two pixel ranges (split at a multiple of 4, as the operator does) and two block ranges.
            let pixels = p.batches * p.outputHeight * p.outputWidth
            let cut = min((pixels / 2) & ~3, pixels), blockCut = packed.blocks / 2
            var split = [Int8](repeating: 0, count: expected.count)
            scratch.withUnsafeMutableBytes { s in
                for range in [0..<cut, cut..<pixels] where !range.isEmpty {
                    for blocks in [0..<blockCut, blockCut..<packed.blocks] where !blocks.isEmpty {
                        conv2D(p, input: input, filter: packed, foldedBias: folded, zeroRow: zeroRow, scratch: s.baseAddress!,
                               output: &split, pixels: range, blocks: blocks)
                    }
                }
            }
            XCTAssertEqual(split, expected, "split ranges (\(packed.microkernel)) vs TFLite reference, \(p)")
        }
        XCTAssertEqual(fast, expected, "packed GEMM (\(layout) layout, \(packed.microkernel)) vs TFLite reference, \(p)")
        XCTAssertEqual(plain, expected, "dot-product twin vs TFLite reference")
    }

    func testDepthwiseMatchesTheReference() {
        var random = SeededGenerator(seed: 11)
        for _ in 0..<150 {
            let c = Self.randomCase(&random, depthwise: true)
            checkDepthwise(c, &random)
        }
    }

    /// The 3×3 multiplier-1 fast path (interior pixels by channel block) with edges, strides, dilations and
    /// channel tails: random cases drawn until 300 qualify.
    func testDepthwise3x3FastPathMatchesTheReference() {
        var random = SeededGenerator(seed: 12)
        var checked = 0
        while checked < 300 {
            let c = Self.randomCase(&random, depthwise: true)
            guard c.multiplier == 1, c.p.filterHeight == 3, c.p.filterWidth == 3, c.p.outputChannels >= 8 else { continue }
            checkDepthwise(c, &random)
            checked += 1
        }
    }

    /// The AVX-512 depthwise kernel (sixteen output channels per register, masked channel tails, weights in
    /// registers for interior runs, multipliers 1–3 through `vpermd`) against the TFLite reference and its
    /// eight-lane Swift twin: filters up to 5×5 (the 9-tap and the generic tap loops), up to 40 input channels,
    /// strides, dilations, padding, random zero points and per-channel multipliers. Where the CPU lacks AVX-512
    /// both calls run the twin.
    func testSixteenLaneDepthwiseMatchesTheReferenceAndItsTwin() {
        var random = SeededGenerator(seed: 18)
        for _ in 0..<400 {
            let c = Self.randomCase(&random, depthwise: true, maxChannels: 40, maxFilter: 5, maxSize: 12, multipliers: 1...3)
            checkDepthwise(c, &random, sixteenLanes: true)
        }
    }

    private func checkDepthwise(_ c: Case, _ random: inout SeededGenerator, sixteenLanes: Bool? = nil) {
        let p = c.p
        let taps = p.filterHeight * p.filterWidth
        let input = (0..<p.batches * p.inputHeight * p.inputWidth * p.inputChannels).map { _ in Int8.random(in: -128...127, using: &random) }
        let filter = (0..<taps * p.outputChannels).map { _ in Int8.random(in: -127...127, using: &random) }
        let bias = (0..<p.outputChannels).map { _ in Int32.random(in: -5000...5000, using: &random) }
        let zp = Int32.random(in: -128...127, using: &random)
        let expected = Self.referenceDepthwise(p, multiplier: c.multiplier, input: input, filter: filter, bias: bias, inputZeroPoint: zp)
        let folded = filter.withUnsafeBufferPointer { f in bias.withUnsafeBufferPointer { b in
            foldedDepthwiseBias(bias: b.baseAddress, filter: f.baseAddress!, outputChannels: p.outputChannels, taps: taps, inputZeroPoint: zp)
        } }
        let zeroRow = [Int8](repeating: Int8(zp), count: p.inputChannels)
        var fast = [Int8](repeating: 0, count: expected.count)
        let dp = DepthwiseConv2DParameters(convolution: p, depthMultiplier: c.multiplier)
        if let sixteenLanes {
            depthwiseConv2D(dp, input: input, filter: filter, foldedBias: folded, zeroRow: zeroRow, output: &fast,
                            sixteenLanes: sixteenLanes)
            var twin = [Int8](repeating: 0, count: expected.count)
            depthwiseConv2D(dp, input: input, filter: filter, foldedBias: folded, zeroRow: zeroRow, output: &twin,
                            sixteenLanes: false)
            XCTAssertEqual(twin, expected, "eight-lane depthwise twin vs TFLite reference, \(p)")
        } else {
            depthwiseConv2D(dp, input: input, filter: filter, foldedBias: folded, zeroRow: zeroRow, output: &fast)
        }
        XCTAssertEqual(fast, expected, "depthwise vs TFLite reference, multiplier \(c.multiplier), \(p)")
    }

    /// The `sdot` microkernel (on a dot-product CPU; its portable twin elsewhere) against plain arithmetic.
    func testDotProductMicrokernelMatchesPlainArithmetic() {
        var random = SeededGenerator(seed: 5)
        for kQuads in [1, 2, 7, 36, 100] {
            let weights = (0..<kQuads * 64).map { _ in Int8.random(in: -128...127, using: &random) }
            let pixels = (0..<4).map { _ in (0..<kQuads * 4).map { _ in Int8.random(in: -128...127, using: &random) } }
            var fast = [Int32](repeating: 0, count: 64), portable = [Int32](repeating: 0, count: 64)
            gemmTile4x16Quads(weights: weights, pixels: pixels[0], pixels[1], pixels[2], pixels[3], kQuads: kQuads, accumulators: &fast)
            gemmTile4x16QuadsPortable(weights: weights, pixels: pixels[0], pixels[1], pixels[2], pixels[3], kQuads: kQuads,
                                      accumulators: &portable)
            XCTAssertEqual(fast, portable, "kQuads \(kQuads), microkernel \(DotProduct.microkernel)")
            for p in 0..<4 {
                for c in 0..<16 {
                    var sum: Int32 = 0
                    for k in 0..<kQuads * 4 { sum += Int32(weights[(k / 4 * 16 + c) * 4 + k % 4]) * Int32(pixels[p][k]) }
                    XCTAssertEqual(portable[p * 16 + c], sum)
                }
            }
        }
    }

    /// Convolutions through the quad layout (the `sdot` path's packing; the portable twin where the CPU lacks it)
    /// against TFLite's reference, on random shapes.
    func testQuadLayoutConvolutionMatchesTheReference() {
        var random = SeededGenerator(seed: 8)
        for _ in 0..<60 {
            checkConvolution(Self.randomCase(&random, depthwise: false), layout: .quads, &random)
        }
    }

    /// Every microkernel this CPU runs, forced in turn (on this build machine: AVX-512 VNNI, AVX-VNNI, the AVX2
    /// fallback and both portable twins), convolves random shapes byte for byte like TFLite's reference, whole and
    /// split into pixel and block ranges (AVX-512 VNNI gathers the taps in C, from any starting pixel).
    func testEveryAvailableMicrokernelMatchesTheReference() {
        XCTAssertTrue(Microkernel.available.contains(.portable))
        XCTAssertTrue(Microkernel.available.contains(.portableQuads))
        #if arch(x86_64)
        if Microkernel.isAVX2Build {
            XCTAssertTrue(Microkernel.available.contains(.avx2), "the AVX2 fallback must stay available and tested")
        }
        #endif
        for kernel in Microkernel.available {
            var random = SeededGenerator(seed: 21)
            for _ in 0..<60 {
                checkConvolution(Self.randomCase(&random, depthwise: false), layout: .automatic, microkernel: kernel,
                                 splitting: true, &random)
            }
        }
    }

    /// 1×1 stride-1 convolutions (the AVX-512 VNNI path runs them without a gather, two blocks per tile) under
    /// every available kernel, against TFLite's reference: input channels not a multiple of 4 or 64, output
    /// channels with odd block counts and partial blocks, random zero points and per-channel multipliers; also split
    /// into pixel and block ranges as two threads would run them.
    func testPointwiseConvolutionMatchesTheReferenceUnderEveryKernel() {
        for kernel in Microkernel.available {
            var random = SeededGenerator(seed: 31)
            for _ in 0..<40 {
                let ic = Int.random(in: 1...70, using: &random), oc = Int.random(in: 1...80, using: &random)
                let h = Int.random(in: 1...7, using: &random), w = Int.random(in: 1...7, using: &random)
                let scales = (0..<oc).map { _ in Float.random(in: 0.001...0.02, using: &random) }
                let requantization = ChannelRequantization(
                    inputScale: 0.05, filterScales: scales, outputScale: Float.random(in: 0.02...0.2, using: &random),
                    channels: oc, outputZeroPoint: Int32.random(in: -20...20, using: &random), outputMin: -128, outputMax: 127)
                let p = Conv2DParameters(
                    batches: Int.random(in: 1...2, using: &random), inputHeight: h, inputWidth: w, inputChannels: ic,
                    outputHeight: h, outputWidth: w, outputChannels: oc, filterHeight: 1, filterWidth: 1, strideHeight: 1,
                    strideWidth: 1, dilationHeight: 1, dilationWidth: 1, paddingTop: 0, paddingLeft: 0,
                    requantization: requantization)
                XCTAssertTrue(p.isPointwise)
                checkConvolution(Case(p: p, multiplier: 1), layout: .automatic, microkernel: kernel, splitting: true, &random)
            }
        }
    }

    /// A quad kernel asked for uint8 weights (or a nonzero zero point) falls back to the best pair kernel.
    func testQuadKernelsFallBackToPairsForUInt8Weights() {
        let filter = [UInt8](repeating: 3, count: 2 * 9 * 5)
        for kernel in Microkernel.available where kernel.usesQuads {
            let packed = filter.withUnsafeBufferPointer {
                PackedFilter(filter: $0.baseAddress!, outputChannels: 2, taps: 9, inputChannels: 5, zeroPoint: 3, microkernel: kernel)
            }
            XCTAssertEqual(packed.microkernel, Microkernel.bestPairs)
            XCTAssertFalse(packed.usesQuads)
        }
    }

    /// The VNNI tiles (`vpdpbusd`, unsigned × signed bytes with the activation sign flipped and the −128·Σw start)
    /// against the portable quad twin on the signed values, over the whole int8 range including −128.
    func testVNNIMicrokernelsMatchThePortableTwin() throws {
        let kernels = Microkernel.available.filter(\.flipsActivationSign)
        #if arch(x86_64)
        // This must not pass vacuously on the build machine, which has both (lscpu: avx512_vnni, avx_vnni).
        XCTAssertEqual(kernels.contains(.avx512VNNI), CPUFeatures.current.hasAVX512VNNI)
        XCTAssertEqual(kernels.contains(.avxVNNI), CPUFeatures.current.hasAVXVNNI)
        #endif
        try XCTSkipIf(kernels.isEmpty, "this CPU has neither AVX-512 VNNI nor AVX-VNNI")
        var random = SeededGenerator(seed: 31)
        for kernel in kernels {
            for kQuads in [1, 2, 3, 7, 36, 101] {
                var weights = (0..<kQuads * 64).map { _ in Int8.random(in: -128...127, using: &random) }
                var pixels = (0..<4).map { _ in (0..<kQuads * 4).map { _ in Int8.random(in: -128...127, using: &random) } }
                if kQuads == 2 {
                    // Extremes: every product at its largest magnitude.
                    weights = weights.map { _ in Int8.min }
                    pixels = pixels.map { $0.map { _ in Int8.min } }
                }
                let flipped = pixels.map { $0.map { UInt8(bitPattern: $0) ^ 0x80 } }
                let starts = (0..<16).map { c in
                    (0..<kQuads * 4).reduce(Int32(0)) { $0 &+ Int32(weights[($1 / 4 * 16 + c) * 4 + $1 % 4]) } &* -128
                }
                var fast = [Int32](repeating: 0, count: 64), portable = [Int32](repeating: 0, count: 64)
                gemmTile4x16VNNI(kernel, weights: weights, pixels: flipped[0], flipped[1], flipped[2], flipped[3], kQuads: kQuads,
                                 starts: starts, accumulators: &fast)
                gemmTile4x16QuadsPortable(weights: weights, pixels: pixels[0], pixels[1], pixels[2], pixels[3], kQuads: kQuads,
                                          accumulators: &portable)
                XCTAssertEqual(fast, portable, "\(kernel), kQuads \(kQuads)")
                // A group of one pixel passes it four times (the same pointer): the kernels' one-pixel path.
                flipped[0].withUnsafeBufferPointer { one in
                    let p = one.baseAddress!
                    gemmTile4x16VNNI(kernel, weights: weights, pixels: p, p, p, p, kQuads: kQuads, starts: starts,
                                     accumulators: &fast)
                }
                gemmTile4x16QuadsPortable(weights: weights, pixels: pixels[0], pixels[0], pixels[0], pixels[0],
                                          kQuads: kQuads, accumulators: &portable)
                XCTAssertEqual(fast, portable, "\(kernel), one pixel, kQuads \(kQuads)")
            }
        }
    }

    /// The aarch64 `smlal` tile against its portable twin on signed int16 pairs (int8 activations sign-extended,
    /// weights over the int16 range the pair layout holds, zero points subtracted).
    func testSMLALMicrokernelMatchesItsPortableTwin() throws {
        #if arch(arm64)
        XCTAssertTrue(Microkernel.smlal.isAvailable)
        #endif
        try XCTSkipUnless(Microkernel.smlal.isAvailable, "smlal is the aarch64 kernel: scripts/test-aarch64.sh runs this under qemu")
        var random = SeededGenerator(seed: 41)
        for kPairs in [1, 2, 7, 16, 33, 100] {
            let weights = (0..<kPairs * 32).map { _ in Int16.random(in: -255...255, using: &random) }
            let pixels = (0..<4).map { _ in (0..<kPairs).map { _ in
                let lo = UInt16(bitPattern: Int16(Int8.random(in: -128...127, using: &random)))
                let hi = UInt16(bitPattern: Int16(Int8.random(in: -128...127, using: &random)))
                return Int32(bitPattern: UInt32(hi) << 16 | UInt32(lo))
            } }
            var fast = [Int32](repeating: 0, count: 64), portable = [Int32](repeating: 0, count: 64)
            gemmTile4x16SMLAL(weights: weights, pixels: pixels[0], pixels[1], pixels[2], pixels[3], kPairs: kPairs, accumulators: &fast)
            gemmTile4x16Portable(weights: weights, pixels: pixels[0], pixels[1], pixels[2], pixels[3], kPairs: kPairs, accumulators: &portable)
            XCTAssertEqual(fast, portable, "kPairs \(kPairs)")
        }
    }

    func testNarrowMicrokernelMatchesItsPortableTwinAndPlainArithmetic() {
        var random = SeededGenerator(seed: 4)
        for kPairs in [1, 3, 14, 64] {
            let weights = (0..<kPairs * 16).map { _ in Int16.random(in: -255...255, using: &random) }
            let pixels = (0..<4).map { _ in (0..<kPairs).map { _ in Int32(bitPattern: UInt32.random(in: 0...UInt32.max, using: &random)) & 0x00FF_00FF } }
            var fast = [Int32](repeating: 7, count: 64), portable = [Int32](repeating: 7, count: 64)
            gemmTile4x8(weights: weights, pixels: pixels[0], pixels[1], pixels[2], pixels[3], kPairs: kPairs, accumulators: &fast)
            gemmTile4x8Portable(weights: weights, pixels: pixels[0], pixels[1], pixels[2], pixels[3], kPairs: kPairs, accumulators: &portable)
            XCTAssertEqual(fast, portable, "kPairs \(kPairs)")
            for p in 0..<4 {
                for c in 0..<8 {
                    var sum: Int32 = 0
                    for k in 0..<kPairs {
                        let pair = pixels[p][k]
                        sum += Int32(weights[k * 16 + 2 * c]) * Int32(Int16(truncatingIfNeeded: pair))
                            + Int32(weights[k * 16 + 2 * c + 1]) * (pair >> 16)
                    }
                    XCTAssertEqual(portable[p * 16 + c], sum)
                }
                XCTAssertEqual(Array(portable[(p * 16 + 8)..<(p * 16 + 16)]), [Int32](repeating: 7, count: 8), "lanes 8…15 untouched")
            }
        }
    }

    func testMicrokernelMatchesItsPortableTwin() {
        var random = SeededGenerator(seed: 3)
        for kPairs in [1, 2, 7, 16, 33, 100] {
            let weights = (0..<kPairs * 32).map { _ in Int16.random(in: -255...255, using: &random) }
            let pixels = (0..<4).map { _ in (0..<kPairs).map { _ in Int32(bitPattern: UInt32.random(in: 0...UInt32.max, using: &random)) & 0x00FF_00FF } }
            var fast = [Int32](repeating: 0, count: 64), portable = [Int32](repeating: 0, count: 64)
            gemmTile4x16(weights: weights, pixels: pixels[0], pixels[1], pixels[2], pixels[3], kPairs: kPairs, accumulators: &fast)
            gemmTile4x16Portable(weights: weights, pixels: pixels[0], pixels[1], pixels[2], pixels[3], kPairs: kPairs, accumulators: &portable)
            XCTAssertEqual(fast, portable, "kPairs \(kPairs)")
            // And against plain integer arithmetic.
            for p in 0..<4 {
                for c in 0..<16 {
                    var sum: Int32 = 0
                    for k in 0..<kPairs {
                        let pair = pixels[p][k]
                        sum += Int32(weights[k * 32 + 2 * c]) * Int32(Int16(truncatingIfNeeded: pair))
                            + Int32(weights[k * 32 + 2 * c + 1]) * (pair >> 16)
                    }
                    XCTAssertEqual(portable[p * 16 + c], sum)
                }
            }
        }
    }

    /// The one-pixel tile (batch-1 FULLY_CONNECTED on the AVX2 path) against the portable 4-pixel twin's first row,
    /// with full-range int16 activations and weights.
    func testOnePixelMicrokernelMatchesItsPortableTwin() {
        var random = SeededGenerator(seed: 31)
        for kPairs in [1, 2, 3, 16, 33, 320] {
            let weights = (0..<kPairs * 32).map { _ in Int16.random(in: Int16.min...Int16.max, using: &random) }
            let pixel = (0..<kPairs).map { _ in Int32(bitPattern: UInt32.random(in: 0...UInt32.max, using: &random)) }
            var fast = [Int32](repeating: -1, count: 64), portable = [Int32](repeating: 0, count: 64)
            gemmTile1x16(weights: weights, pixel: pixel, kPairs: kPairs, accumulators: &fast)
            gemmTile4x16Portable(weights: weights, pixels: pixel, pixel, pixel, pixel, kPairs: kPairs, accumulators: &portable)
            XCTAssertEqual(Array(fast[0..<16]), Array(portable[0..<16]), "kPairs \(kPairs)")
        }
    }

    /// A convolution of the given geometry (SAME or VALID padding) with random per-channel multipliers and output
    /// zero point, for the shapes the fast paths were written for.
    static func shapedCase(_ random: inout SeededGenerator, batches: Int = 1, h: Int, w: Int, ic: Int, oc: Int, kh: Int, kw: Int,
                           stride: Int, dilation: Int = 1, same: Bool, multiplier: Int = 1) -> Case {
        let rows = ConvolutionGeometry(inputSize: h, filterSize: kh, stride: stride, dilation: dilation, same: same)
        let cols = ConvolutionGeometry(inputSize: w, filterSize: kw, stride: stride, dilation: dilation, same: same)
        let scales = (0..<oc).map { _ in Float.random(in: 0.001...0.02, using: &random) }
        let requantization = ChannelRequantization(
            inputScale: 0.05, filterScales: scales, outputScale: Float.random(in: 0.02...0.2, using: &random), channels: oc,
            outputZeroPoint: Int32.random(in: -20...20, using: &random), outputMin: -128, outputMax: 127)
        let p = Conv2DParameters(
            batches: batches, inputHeight: h, inputWidth: w, inputChannels: ic, outputHeight: max(rows.outputSize, 1),
            outputWidth: max(cols.outputSize, 1), outputChannels: oc, filterHeight: kh, filterWidth: kw,
            strideHeight: stride, strideWidth: stride, dilationHeight: dilation, dilationWidth: dilation,
            paddingTop: rows.paddingBefore, paddingLeft: cols.paddingBefore, requantization: requantization)
        return Case(p: p, multiplier: multiplier)
    }

    /// The AVX-512 depthwise batches (border pixels and interior runs shorter than eight pixels, queued across rows
    /// with each channel block's weights loaded once per batch) and the 8-channel stride-1 pixel-pair interior,
    /// against TFLite's reference and the eight-lane twin: KWS's 25×5×64 and vww's 48×48×8 layers, then random
    /// shapes with wide and narrow rows (runs of 1–28 interior pixels, odd runs for the pairs), 8 channels in a
    /// third of them, filters up to 5×5, strides, dilations, multipliers 1–3 and random zero points.
    func testDepthwiseBorderBatchesAndEightChannelPairsMatchTheReference() {
        var random = SeededGenerator(seed: 181)
        checkDepthwise(Self.shapedCase(&random, h: 25, w: 5, ic: 64, oc: 64, kh: 3, kw: 3, stride: 1, same: true), &random,
                       sixteenLanes: true)
        checkDepthwise(Self.shapedCase(&random, h: 48, w: 48, ic: 8, oc: 8, kh: 3, kw: 3, stride: 1, same: true), &random,
                       sixteenLanes: true)
        checkDepthwise(Self.shapedCase(&random, batches: 2, h: 13, w: 19, ic: 8, oc: 8, kh: 3, kw: 3, stride: 1, same: true),
                       &random, sixteenLanes: true)
        for _ in 0..<150 {
            let ic = Int.random(in: 0..<3, using: &random) == 0 ? 8 : Int.random(in: 1...40, using: &random)
            let multiplier = Bool.random(using: &random) ? 1 : Int.random(in: 2...3, using: &random)
            let k = Bool.random(using: &random) ? 3 : Int.random(in: 1...5, using: &random)
            let c = Self.shapedCase(&random, batches: Int.random(in: 1...2, using: &random), h: Int.random(in: 1...12, using: &random),
                                    w: Int.random(in: 1...30, using: &random), ic: ic, oc: ic * multiplier, kh: k,
                                    kw: Bool.random(using: &random) ? k : Int.random(in: 1...5, using: &random),
                                    stride: Int.random(in: 1...2, using: &random), dilation: Int.random(in: 1...2, using: &random),
                                    same: Bool.random(using: &random), multiplier: multiplier)
            checkDepthwise(c, &random, sixteenLanes: true)
        }
    }

    /// Gathered convolutions with few input channels under every available kernel, whole and split: vww's RGB stem
    /// (96×96×3 → 8, 3×3 stride 2: each filter row one masked copy, the 8-channel block requantised two pixels per
    /// register), KWS's 49×10×1 → 64 10×4 stride-2 stem (border filter rows copied as one run between two fills),
    /// then random 1–4-channel inputs with filters up to 10×4, dilations, 8 or random output channels.
    func testFewChannelStemsMatchTheReferenceUnderEveryKernel() {
        for kernel in Microkernel.available {
            var random = SeededGenerator(seed: 182)
            checkConvolution(Self.shapedCase(&random, h: 96, w: 96, ic: 3, oc: 8, kh: 3, kw: 3, stride: 2, same: true),
                             layout: .automatic, microkernel: kernel, splitting: true, &random)
            checkConvolution(Self.shapedCase(&random, h: 49, w: 10, ic: 1, oc: 64, kh: 10, kw: 4, stride: 2, same: true),
                             layout: .automatic, microkernel: kernel, splitting: true, &random)
            for _ in 0..<40 {
                let tall = Bool.random(using: &random)
                let c = Self.shapedCase(&random, batches: Int.random(in: 1...2, using: &random), h: Int.random(in: 1...14, using: &random),
                                        w: Int.random(in: 1...14, using: &random), ic: Int.random(in: 1...4, using: &random),
                                        oc: Bool.random(using: &random) ? 8 : Int.random(in: 1...40, using: &random),
                                        kh: tall ? 10 : Int.random(in: 1...3, using: &random),
                                        kw: tall ? 4 : Int.random(in: 1...3, using: &random),
                                        stride: Int.random(in: 1...2, using: &random), dilation: Int.random(in: 1...2, using: &random),
                                        same: Bool.random(using: &random))
                checkConvolution(c, layout: .automatic, microkernel: kernel, splitting: true, &random)
            }
        }
    }
}

final class RequantizationSIMDTests: XCTestCase {
    func testEightLanesEqualTheScalarForm() {
        var random = SeededGenerator(seed: 99)
        let edges: [Int32] = [0, 1, -1, 2, -2, Int32.max, Int32.min, Int32.max - 1, Int32.min + 1, 1 << 20, -(1 << 20), 12345, -12345]
        for trial in 0..<20_000 {
            var x = SIMD8<Int32>(), m = SIMD8<Int32>(), s = SIMD8<Int32>()
            for lane in 0..<8 {
                x[lane] = trial % 3 == 0 ? edges[Int.random(in: 0..<edges.count, using: &random)]
                                         : Int32.random(in: -(1 << 24)...(1 << 24), using: &random)
                let q = QuantizedMultiplier(Double.random(in: 1e-9...3.9, using: &random))
                m[lane] = q.multiplier
                s[lane] = q.shift
                if trial % 5 == 0 { s[lane] = Int32.random(in: -31...0, using: &random) }
            }
            let fast = multiplyByQuantizedMultiplier(x, m, s)
            let portable = multiplyByQuantizedMultiplierPortable(x, m, s)
            for lane in 0..<8 {
                // Left shifts of huge values overflow in both forms identically (wrapping), as in TFLite.
                let scalar = multiplyByQuantizedMultiplier(x[lane], m[lane], s[lane])
                XCTAssertEqual(fast[lane], scalar, "x \(x[lane]) m \(m[lane]) s \(s[lane])")
                XCTAssertEqual(portable[lane], scalar, "x \(x[lane]) m \(m[lane]) s \(s[lane])")
            }
        }
    }

    /// The block requantisation after a GEMM tile (`requantizeBlock16`: in AVX2 builds the prepared form with its
    /// per-block constants and blended odd lanes) against the scalar form, lane by lane: random sums, biases,
    /// multipliers and shifts (left shifts too), edge values, ties, zero points and clamps.
    func testPreparedBlockRequantizationEqualsTheScalarForm() {
        var random = SeededGenerator(seed: 7)
        let edges: [Int32] = [0, 1, -1, 1 << 20, -(1 << 20), 1 << 29, -(1 << 29), 12345, -12345, 1 << 23, -(1 << 23)]
        for trial in 0..<20_000 {
            let first = Int.random(in: 0...8, using: &random)
            var acc = [Int32](repeating: 0, count: 16), bias = [Int32](repeating: 0, count: first + 16)
            var mult = [Int32](repeating: 0, count: first + 16), shift = [Int32](repeating: 0, count: first + 16)
            for j in 0..<16 {
                acc[j] = trial % 3 == 0 ? edges[Int.random(in: 0..<edges.count, using: &random)]
                                        : Int32.random(in: -(1 << 22)...(1 << 22), using: &random)
            }
            for c in 0..<(first + 16) {
                bias[c] = Int32.random(in: -(1 << 16)...(1 << 16), using: &random)
                let q = QuantizedMultiplier(Double.random(in: 1e-6...3.9, using: &random))
                mult[c] = trial % 7 == 0 ? 1 << 30 : q.multiplier
                shift[c] = trial % 5 == 0 ? Int32.random(in: -20...0, using: &random) : q.shift
            }
            let zp = Int32.random(in: -128...127, using: &random)
            let lo = trial % 4 == 0 ? Int32(-100) : -128, hi = trial % 4 == 0 ? Int32(90) : 127
            var out = [Int8](repeating: 0, count: 16)
            requantizeBlock16(acc, bias: bias, multipliers: mult, shifts: shift, first: first, zeroPoint: zp, min: lo,
                              max: hi, to: &out)
            for j in 0..<16 {
                let c = first + j
                let v = multiplyByQuantizedMultiplier(acc[j] &+ bias[c], mult[c], shift[c]) &+ zp
                XCTAssertEqual(out[j], Int8(min(max(v, lo), hi)), "trial \(trial) lane \(j)")
            }
        }
    }

    /// The vector forms replace TFLite's sign-dependent nudge with one add and shift; the cases where that could
    /// differ are exact ties (products at odd multiples of 2^30) and their neighbours, of both signs.
    func testTiesAndTheirNeighboursRoundLikeTheScalarForm() {
        for multiplier: Int32 in [1 << 30, (1 << 30) + 1, Int32.max, 3 << 29] {
            for shift: Int32 in [0, -1, -4, 1] {
                for start in stride(from: Int32(-1024), to: 1024, by: 8) {
                    let x = SIMD8<Int32>((0..<8).map { start + Int32($0) })
                    let m = SIMD8<Int32>(repeating: multiplier), s = SIMD8<Int32>(repeating: shift)
                    let fast = multiplyByQuantizedMultiplier(x, m, s)
                    let portable = multiplyByQuantizedMultiplierPortable(x, m, s)
                    for lane in 0..<8 {
                        let scalar = multiplyByQuantizedMultiplier(x[lane], multiplier, shift)
                        XCTAssertEqual(fast[lane], scalar, "x \(x[lane]) m \(multiplier) s \(shift)")
                        XCTAssertEqual(portable[lane], scalar, "x \(x[lane]) m \(multiplier) s \(shift)")
                    }
                }
            }
        }
    }
}

/// The NEON requantisation (`sqrdmulh` + `srshl` with the sign fix-up) that aarch64 builds use for every
/// eight-lane requantisation, against the scalar form over the whole input range: any multiplier (negative ones
/// and INT32_MIN × INT32_MIN too, which the portable twin need not handle) and shifts −31…31. Runs only on
/// aarch64 (the aarch64 test bundle under qemu, or a Pi); scripts/qemu/kernel-check.c checks the same C
/// functions on every CI run.
/// The eight-lane double-precision rescale of FULLY_CONNECTED (`requantizeInDouble8`, AVX2 intrinsics in release
/// builds) against the scalar form it replaces, lane by lane.
final class DoubleRequantizationTests: XCTestCase {
    func scalar(_ x: Int32, _ scale: Double, _ zp: Int32, _ lo: Int32, _ hi: Int32) -> Int32 {
        let v = clampToInt32((Double(x) * scale).rounded(.toNearestOrAwayFromZero)) &+ zp
        return Swift.min(Swift.max(v, lo), hi)
    }

    func check(_ x: [Int32], _ scales: [Double], _ zp: Int32, _ lo: Int32, _ hi: Int32,
               file: StaticString = #filePath, line: UInt = #line) {
        let vector = scales.withUnsafeBufferPointer {
            requantizeInDouble8(SIMD8(x), scales: $0.baseAddress!, zeroPoint: zp, min: lo, max: hi)
        }
        for lane in 0..<8 {
            XCTAssertEqual(vector[lane], scalar(x[lane], scales[lane], zp, lo, hi),
                           "x \(x[lane]) scale \(scales[lane]) zp \(zp) [\(lo), \(hi)]", file: file, line: line)
        }
    }

    func testRandomSumsAndScalesEqualTheScalarForm() {
        var random = SeededGenerator(seed: 64)
        for trial in 0..<50_000 {
            let x = (0..<8).map { _ in trial % 3 == 0 ? Int32.random(in: Int32.min...Int32.max, using: &random)
                                                      : Int32.random(in: -100_000...100_000, using: &random) }
            let scales = (0..<8).map { _ in Double.random(in: 1e-7...0.01, using: &random) }
            let zp = Int32.random(in: -128...127, using: &random)
            check(x, scales, zp, trial % 2 == 0 ? -128 : Int32.min, trial % 2 == 0 ? 127 : Int32.max)
        }
    }

    /// Ties and the doubles next to them, both signs; products beyond the Int32 range and at its ends; infinite and
    /// NaN scales (a hostile model); the double just below ½, which a plain "add ½ and truncate" rounds up.
    func testTiesBoundsAndNonFiniteScalesEqualTheScalarForm() {
        let below = 0.49999999999999994
        let cases: [(Int32, Double)] = [
            (1, 0.5), (-1, 0.5), (3, 0.5), (-3, 0.5), (5, 0.5), (1, below), (-1, below), (1, 0.5.nextUp), (-1, 0.5.nextUp),
            (1, 1.5), (-1, 1.5), (1, 2.5), (-1, 2.5), (7, 1.0 / 14), (-7, 1.0 / 14), (0, 1), (0, .infinity),
            (1, .infinity), (-1, .infinity), (1, -.infinity), (5, .nan), (-5, .nan), (0, .nan), (Int32.max, 1),
            (Int32.min, 1), (Int32.max, 2), (Int32.min, 2), (Int32.max, 0.9999999999), (Int32.min, 0.9999999999),
            (1 << 30, 2.0 - 1e-9), (-(1 << 30), 2.0 - 1e-9), (1, 2147483647.4), (1, 2147483647.5), (-1, 2147483648.4),
            (-1, 2147483648.6), (1, 4503599627370495.5), (-1, 4503599627370495.5), (1, 9007199254740993),
            (12345, 1e300), (-12345, 1e300), (1, .leastNonzeroMagnitude), (-1, .leastNonzeroMagnitude),
        ]
        for start in stride(from: 0, to: cases.count, by: 8) {
            var x = [Int32](repeating: 0, count: 8), scales = [Double](repeating: 1, count: 8)
            for lane in 0..<8 where start + lane < cases.count { (x[lane], scales[lane]) = cases[start + lane] }
            for (zp, lo, hi) in [(Int32(0), Int32.min, Int32.max), (-3, -128, 127), (100, -128, 127)] {
                check(x, scales, zp, lo, hi)
            }
        }
    }
}

final class RequantizationNEONTests: XCTestCase {
    func testNEONFormEqualsTheScalarFormForEveryInput() throws {
        #if arch(arm64)
        var random = SeededGenerator(seed: 97)
        let edges: [Int32] = [0, 1, -1, 2, -2, Int32.max, Int32.min, Int32.max - 1, Int32.min + 1, 1 << 30, -(1 << 30), 12345, -12345]
        for trial in 0..<20_000 {
            var x = SIMD8<Int32>(), m = SIMD8<Int32>(), s = SIMD8<Int32>()
            for lane in 0..<8 {
                x[lane] = trial % 3 == 0 ? edges[Int.random(in: 0..<edges.count, using: &random)]
                                         : Int32.random(in: Int32.min...Int32.max, using: &random)
                m[lane] = trial % 4 == 0 ? edges[Int.random(in: 0..<edges.count, using: &random)]
                                         : Int32.random(in: Int32.min...Int32.max, using: &random)
                s[lane] = Int32.random(in: -31...31, using: &random)
            }
            if trial % 100 == 0 { x = SIMD8(repeating: .min); m = SIMD8(repeating: .min) }
            let neon = multiplyByQuantizedMultiplierNEON(x, m, s)
            for lane in 0..<8 {
                XCTAssertEqual(neon[lane], multiplyByQuantizedMultiplier(x[lane], m[lane], s[lane]),
                               "x \(x[lane]) m \(m[lane]) s \(s[lane])")
            }
        }
        #else
        throw XCTSkip("the NEON requantisation exists only on aarch64")
        #endif
    }
}

/// The AVX-512 requantisation fused into the AVX-512 VNNI convolution tile, lane by lane against the scalar form.
final class RequantizationAVX512Tests: XCTestCase {
    func testSixteenLanesEqualTheScalarForm() throws {
        #if arch(x86_64)
        XCTAssertEqual(Microkernel.available.contains(.avx512VNNI), CPUFeatures.current.hasAVX512VNNI)
        #endif
        try XCTSkipUnless(CPUFeatures.current.hasAVX512VNNI, "this CPU has no AVX-512 VNNI")
        var random = SeededGenerator(seed: 98)
        let edges: [Int32] = [0, 1, -1, 2, -2, Int32.max, Int32.min, Int32.max - 1, Int32.min + 1, 1 << 20, -(1 << 20), 12345, -12345]
        var x = [Int32](repeating: 0, count: 16), m = x, s = x, out = x
        for trial in 0..<20_000 {
            for lane in 0..<16 {
                x[lane] = trial % 3 == 0 ? edges[Int.random(in: 0..<edges.count, using: &random)]
                                         : Int32.random(in: -(1 << 24)...(1 << 24), using: &random)
                let q = QuantizedMultiplier(Double.random(in: 1e-9...3.9, using: &random))
                m[lane] = q.multiplier
                s[lane] = trial % 5 == 0 ? Int32.random(in: -31...0, using: &random) : q.shift
                if trial % 7 == 0 {
                    // Exact ties and their neighbours (products at odd multiples of 2^30).
                    m[lane] = [1 << 30, (1 << 30) + 1, Int32.max, 3 << 29][lane % 4]
                    s[lane] = [0, -1, -4, 1][(lane / 4) % 4]
                    x[lane] = Int32.random(in: -1024...1024, using: &random)
                }
            }
            multiplyByQuantizedMultiplierAVX512(x, m, s, into: &out)
            for lane in 0..<16 {
                XCTAssertEqual(out[lane], multiplyByQuantizedMultiplier(x[lane], m[lane], s[lane]), "x \(x[lane]) m \(m[lane]) s \(s[lane])")
            }
            // The prepared form (one 64-bit rounding shift) that the VNNI convolution uses.
            multiplyByQuantizedMultiplierAVX512Prepared(x, m, s, into: &out)
            for lane in 0..<16 {
                XCTAssertEqual(out[lane], multiplyByQuantizedMultiplier(x[lane], m[lane], s[lane]), "prepared: x \(x[lane]) m \(m[lane]) s \(s[lane])")
            }
        }
    }
}
