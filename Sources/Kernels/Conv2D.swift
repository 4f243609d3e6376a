/// Shapes, geometry and requantisation of one CONV_2D, fixed at prepare time.
public struct Conv2DParameters: Sendable {
    public var batches: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var inputChannels: Int
    public var outputHeight: Int
    public var outputWidth: Int
    public var outputChannels: Int
    public var filterHeight: Int
    public var filterWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var dilationHeight: Int
    public var dilationWidth: Int
    public var paddingTop: Int
    public var paddingLeft: Int
    public var requantization: ChannelRequantization

    public init(batches: Int, inputHeight: Int, inputWidth: Int, inputChannels: Int,
                outputHeight: Int, outputWidth: Int, outputChannels: Int,
                filterHeight: Int, filterWidth: Int, strideHeight: Int, strideWidth: Int,
                dilationHeight: Int, dilationWidth: Int, paddingTop: Int, paddingLeft: Int,
                requantization: ChannelRequantization) {
        self.batches = batches
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.inputChannels = inputChannels
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        self.outputChannels = outputChannels
        self.filterHeight = filterHeight
        self.filterWidth = filterWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.paddingTop = paddingTop
        self.paddingLeft = paddingLeft
        self.requantization = requantization
    }

    /// Multiply-accumulates per inference.
    public var macs: Int {
        batches * outputHeight * outputWidth * outputChannels * filterHeight * filterWidth * inputChannels
    }
}

/// Folds the input zero point into the bias: bias[c] − zeroPoint × Σ filter[c].
///
/// Valid because taps that fall into padding read a row of zero-point values (see `conv2D`), so every
/// output sums over the full filter and the correction is the same for every pixel.
@inlinable
public func foldedConvolutionBias<W: FixedWidthInteger>(
    bias: UnsafePointer<Int32>?, filter: UnsafePointer<W>, outputChannels: Int, filterSizePerChannel: Int,
    inputZeroPoint: Int32
) -> [Int32] {
    var result = [Int32](repeating: 0, count: outputChannels)
    for oc in 0..<outputChannels {
        var sum: Int32 = 0
        let row = filter + oc * filterSizePerChannel
        for k in 0..<filterSizePerChannel { sum &+= Int32(truncatingIfNeeded: row[k]) }
        result[oc] = (bias?[oc] ?? 0) &- inputZeroPoint &* sum
    }
    return result
}

/// Int8 CONV_2D by direct dot products: the plain reference twin of the packed GEMM form, kept for tests.
///
/// - `input`: NHWC int8 `[batches, inputHeight, inputWidth, inputChannels]`.
/// - `filter`: `[outputChannels, filterHeight, filterWidth, inputChannels]` int8, zero point 0.
/// - `foldedBias`: `outputChannels` values from `foldedConvolutionBias`.
/// - `zeroRow`: `inputChannels` copies of the input zero point; padding taps read it.
/// - `output`: NHWC int8; must not alias `input`.
public func conv2DReference(
    _ p: Conv2DParameters, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>
) {
    convolve(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, output: output, dot: dotInt8x4)
}

/// Legacy uint8 CONV_2D by direct dot products: the reference twin of the packed GEMM form.
///
/// - `filter`: weights with their zero point already subtracted, as Int16 (`w − zp_w` spans −255…255).
/// - Other buffers as in the int8 form, with uint8 activations.
public func conv2DReference(
    _ p: Conv2DParameters, input: UnsafePointer<UInt8>, filter: UnsafePointer<Int16>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<UInt8>, output: UnsafeMutablePointer<UInt8>
) {
    convolve(p, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, output: output, dot: dotWidex4)
}

/// Four dot products of one input run against four filter rows, in 16-bit products so that LLVM emits pmaddwd / smlal.
@inlinable @inline(__always)
func dotInt8x4(_ x: UnsafePointer<Int8>, _ w: UnsafePointer<Int8>, _ stride: Int, _ n: Int) -> SIMD4<Int32> {
    let w0 = w, w1 = w + stride, w2 = w + 2 * stride, w3 = w + 3 * stride
    var a0: Int32 = 0, a1: Int32 = 0, a2: Int32 = 0, a3: Int32 = 0
    for k in 0..<n {
        let v = Int16(x[k])
        a0 &+= Int32(v &* Int16(w0[k]))
        a1 &+= Int32(v &* Int16(w1[k]))
        a2 &+= Int32(v &* Int16(w2[k]))
        a3 &+= Int32(v &* Int16(w3[k]))
    }
    return SIMD4(a0, a1, a2, a3)
}

@inlinable @inline(__always)
func dotWidex4(_ x: UnsafePointer<UInt8>, _ w: UnsafePointer<Int16>, _ stride: Int, _ n: Int) -> SIMD4<Int32> {
    let w0 = w, w1 = w + stride, w2 = w + 2 * stride, w3 = w + 3 * stride
    var a0: Int32 = 0, a1: Int32 = 0, a2: Int32 = 0, a3: Int32 = 0
    for k in 0..<n {
        let v = Int32(x[k])
        a0 &+= v &* Int32(w0[k])
        a1 &+= v &* Int32(w1[k])
        a2 &+= v &* Int32(w2[k])
        a3 &+= v &* Int32(w3[k])
    }
    return SIMD4(a0, a1, a2, a3)
}

/// The convolution loop shared by both element types; `dot` is specialised per type.
///
/// For each output pixel the filter taps are resolved to input rows (or the zero-point row where they
/// fall in padding), then four output channels at a time take dot products along the channel runs.
@inlinable @inline(__always)
func convolve<X: FixedWidthInteger, W: FixedWidthInteger, O: FixedWidthInteger>(
    _ p: Conv2DParameters, input: UnsafePointer<X>, filter: UnsafePointer<W>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<X>, output: UnsafeMutablePointer<O>,
    dot: (UnsafePointer<X>, UnsafePointer<W>, Int, Int) -> SIMD4<Int32>
) {
    let ic = p.inputChannels, oc = p.outputChannels
    let taps = p.filterHeight * p.filterWidth
    let filterStride = taps * ic
    p.requantization.multipliers.withUnsafeBufferPointer { mult in
    p.requantization.shifts.withUnsafeBufferPointer { shift in
    withUnsafeTemporaryAllocation(of: UnsafePointer<X>.self, capacity: max(taps, 1)) { rows in
        let zp = p.requantization.outputZeroPoint
        let lo = p.requantization.outputMin, hi = p.requantization.outputMax
        let doubleScales = p.requantization.doubleScales
        @inline(__always) func store(_ acc: Int32, _ c: Int, _ out: UnsafeMutablePointer<O>) {
            var v: Int32
            if let doubleScales {
                v = clampToInt32((Double(acc) * doubleScales[c]).rounded(.toNearestOrAwayFromZero)) &+ zp
            } else {
                v = multiplyByQuantizedMultiplier(acc, mult[c], shift[c]) &+ zp
            }
            v = Swift.min(Swift.max(v, lo), hi)
            out[c] = O(truncatingIfNeeded: v)
        }
        var out = output
        for b in 0..<p.batches {
            let image = input + b * p.inputHeight * p.inputWidth * ic
            for oy in 0..<p.outputHeight {
                for ox in 0..<p.outputWidth {
                    p.gatherTapRows(image: image, oy: oy, ox: ox, zeroRow: zeroRow, into: rows.baseAddress!)
                    var c = 0
                    while c + 4 <= oc {
                        var acc = SIMD4<Int32>(foldedBias[c], foldedBias[c + 1], foldedBias[c + 2], foldedBias[c + 3])
                        let w = filter + c * filterStride
                        for t in 0..<taps {
                            acc &+= dot(rows[t], w + t * ic, filterStride, ic)
                        }
                        store(acc[0], c, out)
                        store(acc[1], c + 1, out)
                        store(acc[2], c + 2, out)
                        store(acc[3], c + 3, out)
                        c += 4
                    }
                    while c < oc {
                        var acc = foldedBias[c]
                        let w = filter + c * filterStride
                        for t in 0..<taps {
                            let x = rows[t], wt = w + t * ic
                            for k in 0..<ic {
                                acc &+= Int32(truncatingIfNeeded: x[k]) &* Int32(truncatingIfNeeded: wt[k])
                            }
                        }
                        store(acc, c, out)
                        c += 1
                    }
                    out += oc
                }
            }
        }
    }
    }
    }
}
