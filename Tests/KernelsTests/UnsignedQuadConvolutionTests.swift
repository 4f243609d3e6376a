import Kernels
import TestSupport
import XCTest

/// The AVX-512 VNNI uint8 convolution (uint8 quads `w − 128`, a per-pixel `(128 − z_w)·Σx` correction, unsigned
/// stores) against TFLite's reference uint8 `Conv` loop and the plain uint8 twin `conv2DReference`, byte for byte.
final class UnsignedQuadConvolutionTests: XCTestCase {
    struct Case {
        var p: Conv2DParameters
        var inputZeroPoint: Int32
        var filterZeroPoint: Int32
    }

    /// A zero point at either end of the uint8 range or anywhere between.
    static func zeroPoint(_ random: inout SeededGenerator) -> Int32 {
        [0, 255, Int32.random(in: 0...255, using: &random)].randomElement(using: &random)!
    }

    /// A random uint8 convolution with per-tensor quantisation: strides, dilations, padding, channel counts that
    /// are not multiples of 4, 16 or 64, zero points 0 and 255, fused activation ranges inside 0…255.
    static func randomCase(_ random: inout SeededGenerator, pointwise: Bool) -> Case {
        let batches = Int.random(in: 1...2, using: &random)
        let h = Int.random(in: 1...9, using: &random), w = Int.random(in: 1...9, using: &random)
        let ic = Int.random(in: 1...(pointwise ? 70 : 21), using: &random)
        let oc = Int.random(in: 1...80, using: &random)
        let kh = pointwise ? 1 : Int.random(in: 1...3, using: &random)
        let kw = pointwise ? 1 : Int.random(in: 1...3, using: &random)
        let sh = pointwise ? 1 : Int.random(in: 1...2, using: &random)
        let sw = pointwise ? 1 : Int.random(in: 1...2, using: &random)
        let dh = pointwise ? 1 : Int.random(in: 1...2, using: &random)
        let dw = pointwise ? 1 : Int.random(in: 1...2, using: &random)
        let same = pointwise ? false : Bool.random(using: &random)
        let rows = ConvolutionGeometry(inputSize: h, filterSize: kh, stride: sh, dilation: dh, same: same)
        let cols = ConvolutionGeometry(inputSize: w, filterSize: kw, stride: sw, dilation: dw, same: same)
        // Activation ranges as fused ReLU/ReLU6 give them, or the whole range.
        let lo = Bool.random(using: &random) ? 0 : Int32.random(in: 0...128, using: &random)
        let hi = Bool.random(using: &random) ? 255 : Int32.random(in: lo...255, using: &random)
        let requantization = ChannelRequantization(
            inputScale: Float.random(in: 0.005...0.05, using: &random), filterScales: [Float.random(in: 0.001...0.02, using: &random)],
            outputScale: Float.random(in: 0.02...0.3, using: &random), channels: oc, outputZeroPoint: zeroPoint(&random),
            outputMin: lo, outputMax: hi, floatProduct: true)
        let p = Conv2DParameters(
            batches: batches, inputHeight: h, inputWidth: w, inputChannels: ic, outputHeight: max(rows.outputSize, 1),
            outputWidth: max(cols.outputSize, 1), outputChannels: oc, filterHeight: kh, filterWidth: kw,
            strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw,
            paddingTop: rows.paddingBefore, paddingLeft: cols.paddingBefore, requantization: requantization)
        return Case(p: p, inputZeroPoint: zeroPoint(&random), filterZeroPoint: zeroPoint(&random))
    }

    /// TFLite's reference_ops::Conv for uint8, loop for loop: padding taps skipped, offsets applied per tap.
    static func referenceConv(_ c: Case, input: [UInt8], filter: [UInt8], bias: [Int32]) -> [UInt8] {
        let p = c.p
        var out = [UInt8](repeating: 0, count: p.batches * p.outputHeight * p.outputWidth * p.outputChannels)
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
                                for ch in 0..<p.inputChannels {
                                    let x = Int32(input[((b * p.inputHeight + iy) * p.inputWidth + ix) * p.inputChannels + ch])
                                    let w = Int32(filter[((oc * p.filterHeight + ky) * p.filterWidth + kx) * p.inputChannels + ch])
                                    acc += (w - c.filterZeroPoint) * (x - c.inputZeroPoint)
                                }
                            }
                        }
                        acc += bias[oc]
                        var v = multiplyByQuantizedMultiplier(acc, p.requantization.multipliers[oc], p.requantization.shifts[oc])
                        v += p.requantization.outputZeroPoint
                        v = min(max(v, p.requantization.outputMin), p.requantization.outputMax)
                        out[((b * p.outputHeight + oy) * p.outputWidth + ox) * p.outputChannels + oc] = UInt8(v)
                    }
                }
            }
        }
        return out
    }

    /// One case through the uint8 quad kernels (whole, and split into pixel and block ranges as two threads run
    /// it), the plain twin and TFLite's loop. `extremes` fills input and filter with 0 and 255 only.
    private func check(_ c: Case, extremes: Bool = false, _ random: inout SeededGenerator) {
        let p = c.p
        let taps = p.filterHeight * p.filterWidth
        let byte = { (random: inout SeededGenerator) -> UInt8 in
            extremes ? (Bool.random(using: &random) ? 255 : 0) : UInt8.random(in: 0...255, using: &random)
        }
        let input = (0..<p.batches * p.inputHeight * p.inputWidth * p.inputChannels).map { _ in byte(&random) }
        let filter = (0..<p.outputChannels * taps * p.inputChannels).map { _ in byte(&random) }
        let bias = (0..<p.outputChannels).map { _ in Int32.random(in: -20000...20000, using: &random) }
        let expected = Self.referenceConv(c, input: input, filter: filter, bias: bias)
        let wide = filter.map { Int16($0) - Int16(c.filterZeroPoint) }
        let packed = wide.withUnsafeBufferPointer {
            PackedFilter.unsignedQuads(filter: $0.baseAddress!, zeroPoint: c.filterZeroPoint, outputChannels: p.outputChannels,
                                       taps: taps, inputChannels: p.inputChannels)
        }
        XCTAssertTrue(packed.usesUnsignedQuads)
        XCTAssertEqual(packed.unsignedWeightOffset, 128 - c.filterZeroPoint)
        let folded = wide.withUnsafeBufferPointer { f in bias.withUnsafeBufferPointer { b in
            foldedConvolutionBias(bias: b.baseAddress, filter: f.baseAddress!, outputChannels: p.outputChannels,
                                  filterSizePerChannel: taps * p.inputChannels, inputZeroPoint: c.inputZeroPoint)
        } }
        let zeroRow = [UInt8](repeating: UInt8(c.inputZeroPoint), count: p.inputChannels)
        var scratch = [UInt8](repeating: 0, count: packed.scratchBytes(pixels: 4))
        var fast = [UInt8](repeating: 0, count: expected.count), plain = fast, split = fast
        scratch.withUnsafeMutableBytes { s in
            conv2D(p, input: input, filter: packed, foldedBias: folded, zeroRow: zeroRow, scratch: s.baseAddress!, output: &fast)
            let pixels = p.batches * p.outputHeight * p.outputWidth
            let cut = min((pixels / 2) & ~3, pixels), blockCut = packed.blocks / 2
            for range in [0..<cut, cut..<pixels] where !range.isEmpty {
                for blocks in [0..<blockCut, blockCut..<packed.blocks] where !blocks.isEmpty {
                    conv2D(p, input: input, filter: packed, foldedBias: folded, zeroRow: zeroRow, scratch: s.baseAddress!,
                           output: &split, pixels: range, blocks: blocks)
                }
            }
        }
        conv2DReference(p, input: input, filter: wide, foldedBias: folded, zeroRow: zeroRow, output: &plain)
        let context = "z_x \(c.inputZeroPoint) z_w \(c.filterZeroPoint) z_out \(p.requantization.outputZeroPoint) " +
            "range \(p.requantization.outputMin)…\(p.requantization.outputMax), \(p)"
        XCTAssertEqual(plain, expected, "plain uint8 twin vs TFLite reference, \(context)")
        XCTAssertEqual(fast, expected, "uint8 quads (AVX-512 VNNI) vs TFLite reference, \(context)")
        XCTAssertEqual(split, expected, "uint8 quads split into pixel and block ranges, \(context)")
    }

    private func requireKernels() throws {
        #if arch(x86_64)
        // Must not pass vacuously on the build machine (lscpu: avx512_vnni).
        XCTAssertEqual(PackedFilter.unsignedQuadsAvailable, CPUFeatures.current.hasAVX512VNNI)
        #endif
        try XCTSkipUnless(PackedFilter.unsignedQuadsAvailable, "this CPU has no AVX-512 VNNI")
    }

    /// Gathered geometries: filters up to 3×3, strides and dilations 1–2, SAME and VALID padding, edge pixels.
    func testGatheredConvolutionMatchesTheReference() throws {
        try requireKernels()
        var random = SeededGenerator(seed: 181)
        for _ in 0..<120 { check(Self.randomCase(&random, pointwise: false), &random) }
    }

    /// 1×1 stride-1 layers (input rows read in place when the channels are whole quads, copied otherwise).
    func testPointwiseConvolutionMatchesTheReference() throws {
        try requireKernels()
        var random = SeededGenerator(seed: 182)
        for _ in 0..<80 { check(Self.randomCase(&random, pointwise: true), &random) }
    }

    /// Inputs and weights at 0 and 255 only, with zero points 0 and 255: the largest products and corrections.
    func testExtremeValuesAndZeroPoints() throws {
        try requireKernels()
        var random = SeededGenerator(seed: 183)
        for zx: Int32 in [0, 255] {
            for zw: Int32 in [0, 255, 128] {
                for pointwise in [false, true] {
                    var c = Self.randomCase(&random, pointwise: pointwise)
                    c.inputZeroPoint = zx
                    c.filterZeroPoint = zw
                    check(c, extremes: true, &random)
                }
            }
        }
    }

    /// The operator-facing choice: uint8 quads only for `avx512-vnni` (on a CPU that has it), int16 pairs of the
    /// best pair kernel for every other kernel, as before.
    func testUInt8FiltersTakeQuadsOnlyOnAVX512VNNI() {
        let wide = [Int16](repeating: -3, count: 2 * 9 * 5)
        for kernel in Microkernel.available {
            let packed = wide.withUnsafeBufferPointer {
                PackedFilter.forUInt8(filter: $0.baseAddress!, zeroPoint: 3, outputChannels: 2, taps: 9, inputChannels: 5,
                                      microkernel: kernel)
            }
            if kernel == .avx512VNNI {
                XCTAssertTrue(packed.usesUnsignedQuads)
                XCTAssertEqual(packed.microkernel, .avx512VNNI)
            } else {
                XCTAssertFalse(packed.usesUnsignedQuads, "\(kernel)")
                XCTAssertFalse(packed.usesQuads, "\(kernel)")
                XCTAssertEqual(packed.microkernel, kernel.usesQuads ? Microkernel.bestPairs : kernel)
            }
        }
    }
}
