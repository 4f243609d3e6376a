import Kernels
import TestSupport
import XCTest

/// The AVX-512 uint8 depthwise (`edgefleet_avx512_u8_depthwise_rows`) against TFLite's reference uint8
/// `DepthwiseConv` loop and its Swift twin (the eight-lane `depthwise` loop), byte for byte.
final class UnsignedDepthwiseTests: XCTestCase {
    /// TFLite's reference_ops::DepthwiseConv for uint8, multiplier 1: padding taps skipped, offsets per tap.
    static func reference(_ p: Conv2DParameters, input: [UInt8], filter: [UInt8], bias: [Int32], inputZeroPoint: Int32,
                          filterZeroPoint: Int32) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: p.batches * p.outputHeight * p.outputWidth * p.outputChannels)
        for b in 0..<p.batches {
            for oy in 0..<p.outputHeight {
                for ox in 0..<p.outputWidth {
                    for c in 0..<p.outputChannels {
                        var acc: Int32 = 0
                        for ky in 0..<p.filterHeight {
                            for kx in 0..<p.filterWidth {
                                let iy = oy * p.strideHeight - p.paddingTop + ky * p.dilationHeight
                                let ix = ox * p.strideWidth - p.paddingLeft + kx * p.dilationWidth
                                guard iy >= 0, iy < p.inputHeight, ix >= 0, ix < p.inputWidth else { continue }
                                let x = Int32(input[((b * p.inputHeight + iy) * p.inputWidth + ix) * p.inputChannels + c])
                                let w = Int32(filter[(ky * p.filterWidth + kx) * p.outputChannels + c])
                                acc += (w - filterZeroPoint) * (x - inputZeroPoint)
                            }
                        }
                        acc += bias[c]
                        var v = multiplyByQuantizedMultiplier(acc, p.requantization.multipliers[c], p.requantization.shifts[c])
                        v += p.requantization.outputZeroPoint
                        v = min(max(v, p.requantization.outputMin), p.requantization.outputMax)
                        out[((b * p.outputHeight + oy) * p.outputWidth + ox) * p.outputChannels + c] = UInt8(v)
                    }
                }
            }
        }
        return out
    }

    /// Random shapes (filters up to 5×5, strides and dilations 1–2, SAME and VALID, channel tails), zero points
    /// 0, 255 or between, activation ranges inside 0…255; also split into row and channel ranges.
    func testSixteenLanesMatchTheReferenceAndTheSwiftTwin() throws {
        #if arch(x86_64)
        XCTAssertEqual(DepthwiseConv2DParameters.sixteenLanesByDefault,
                       Microkernel.selected == .avx512VNNI && CPUFeatures.current.hasAVX512VNNI)
        #endif
        try XCTSkipUnless(CPUFeatures.current.hasAVX512VNNI, "this CPU has no AVX-512 (VNNI)")
        var random = SeededGenerator(seed: 184)
        for _ in 0..<150 {
            let batches = Int.random(in: 1...2, using: &random)
            let h = Int.random(in: 1...9, using: &random), w = Int.random(in: 1...9, using: &random)
            let ch = Int.random(in: 1...40, using: &random)
            let kh = Int.random(in: 1...5, using: &random), kw = Int.random(in: 1...5, using: &random)
            let sh = Int.random(in: 1...2, using: &random), sw = Int.random(in: 1...2, using: &random)
            let dh = Int.random(in: 1...2, using: &random), dw = Int.random(in: 1...2, using: &random)
            let same = Bool.random(using: &random)
            let rows = ConvolutionGeometry(inputSize: h, filterSize: kh, stride: sh, dilation: dh, same: same)
            let cols = ConvolutionGeometry(inputSize: w, filterSize: kw, stride: sw, dilation: dw, same: same)
            let lo = Bool.random(using: &random) ? 0 : Int32.random(in: 0...128, using: &random)
            let hi = Bool.random(using: &random) ? 255 : Int32.random(in: lo...255, using: &random)
            let requantization = ChannelRequantization(
                inputScale: Float.random(in: 0.005...0.05, using: &random), filterScales: [Float.random(in: 0.001...0.05, using: &random)],
                outputScale: Float.random(in: 0.02...0.3, using: &random), channels: ch,
                outputZeroPoint: UnsignedQuadConvolutionTests.zeroPoint(&random), outputMin: lo, outputMax: hi, floatProduct: true)
            let p = Conv2DParameters(
                batches: batches, inputHeight: h, inputWidth: w, inputChannels: ch, outputHeight: max(rows.outputSize, 1),
                outputWidth: max(cols.outputSize, 1), outputChannels: ch, filterHeight: kh, filterWidth: kw,
                strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw,
                paddingTop: rows.paddingBefore, paddingLeft: cols.paddingBefore, requantization: requantization)
            let dp = DepthwiseConv2DParameters(convolution: p, depthMultiplier: 1)
            let zx = UnsignedQuadConvolutionTests.zeroPoint(&random), zw = UnsignedQuadConvolutionTests.zeroPoint(&random)
            let input = (0..<batches * h * w * ch).map { _ in UInt8.random(in: 0...255, using: &random) }
            let filter = (0..<kh * kw * ch).map { _ in UInt8.random(in: 0...255, using: &random) }
            let bias = (0..<ch).map { _ in Int32.random(in: -20000...20000, using: &random) }
            let expected = Self.reference(p, input: input, filter: filter, bias: bias, inputZeroPoint: zx, filterZeroPoint: zw)
            let wide = filter.map { Int16($0) - Int16(zw) }
            let folded = wide.withUnsafeBufferPointer { f in bias.withUnsafeBufferPointer { b in
                foldedDepthwiseBias(bias: b.baseAddress, filter: f.baseAddress!, outputChannels: ch, taps: kh * kw, inputZeroPoint: zx)
            } }
            let zeroRow = [UInt8](repeating: UInt8(zx), count: ch)
            var fast = [UInt8](repeating: 0, count: expected.count), twin = fast, split = fast
            depthwiseConv2D(dp, input: input, filter: wide, foldedBias: folded, zeroRow: zeroRow, output: &fast, sixteenLanes: true)
            depthwiseConv2D(dp, input: input, filter: wide, foldedBias: folded, zeroRow: zeroRow, output: &twin, sixteenLanes: false)
            let outRows = batches * p.outputHeight, rowCut = outRows / 2, channelCut = (ch / 2) & ~7
            for rowRange in [0..<rowCut, rowCut..<outRows] where !rowRange.isEmpty {
                for channels in [0..<channelCut, channelCut..<ch] where !channels.isEmpty {
                    depthwiseConv2D(dp, input: input, filter: wide, foldedBias: folded, zeroRow: zeroRow, output: &split,
                                    rows: rowRange, channels: channels, sixteenLanes: true)
                }
            }
            let context = "z_x \(zx) z_w \(zw) z_out \(requantization.outputZeroPoint) range \(lo)…\(hi), \(p)"
            XCTAssertEqual(twin, expected, "Swift twin vs TFLite reference, \(context)")
            XCTAssertEqual(fast, expected, "AVX-512 uint8 depthwise vs TFLite reference, \(context)")
            XCTAssertEqual(split, expected, "AVX-512 uint8 depthwise split into rows and channels, \(context)")
        }
    }
}
