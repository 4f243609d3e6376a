// RESIZE_BILINEAR on NHWC tensors (resize_bilinear.cc, reference resize_bilinear.h). The reference resolver
// runs ResizeBilinearInteger for int8 (Q10 source coordinates, Q20 weights summed in int64) and the float
// ResizeBilinear<uint8_t> for legacy uint8 (float weights, +0.5 and truncation).
// Source coordinates depend only on the output row or column, so both variants are tabulated at prepare time.

/// Source coordinate of one output row or column in the integer path: Q10 position and the two taps.
public struct ResizeTapInteger: Sendable, Equatable {
    /// Source position in Q10; may be negative with half-pixel centres (the reference then extrapolates).
    public var scaled: Int32
    /// The two source rows (or columns) blended; equal at the borders.
    public var lower: Int32
    public var upper: Int32
}

/// Source coordinate of one output row or column in the float path.
public struct ResizeTapFloat: Sendable, Equatable {
    /// Source position in pixels; may be negative with half-pixel centres.
    public var scaled: Float
    /// The two source rows (or columns) blended; equal at the borders.
    public var lower: Int32
    public var upper: Int32
}

/// Prepared geometry of RESIZE_BILINEAR.
public struct ResizeBilinearParameters: Sendable, Equatable {
    /// NHWC geometry of the input and the output (batches and depth are shared).
    public var batches: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var depth: Int
    public var outputHeight: Int
    public var outputWidth: Int
    /// Per output row / column, for the int8 integer path.
    public var rowsInteger: [ResizeTapInteger]
    public var columnsInteger: [ResizeTapInteger]
    /// Per output row / column, for the uint8 float path.
    public var rowsFloat: [ResizeTapFloat]
    public var columnsFloat: [ResizeTapFloat]

    /// The output shape [batches, outputHeight, outputWidth, depth].
    public var outputShape: [Int] { [batches, outputHeight, outputWidth, depth] }

    /// Tabulates the source taps; `inputShape` is NHWC. Throws when both flags are set or a size is not positive.
    public init(inputShape: [Int], outputHeight: Int, outputWidth: Int,
                alignCorners: Bool, halfPixelCenters: Bool) throws(KernelPreparationError) {
        guard inputShape.count == 4 else { throw .incompatibleShapes("RESIZE_BILINEAR needs a 4-D input") }
        guard outputHeight > 0 && outputWidth > 0 else { throw .unsupported("output size must be positive") }
        guard !(alignCorners && halfPixelCenters) else {
            throw .unsupported("half_pixel_centers and align_corners are exclusive")
        }
        batches = inputShape[0]
        inputHeight = inputShape[1]
        inputWidth = inputShape[2]
        depth = inputShape[3]
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        rowsInteger = Self.integerTaps(input: inputHeight, output: outputHeight,
                                       alignCorners: alignCorners, halfPixelCenters: halfPixelCenters)
        columnsInteger = Self.integerTaps(input: inputWidth, output: outputWidth,
                                          alignCorners: alignCorners, halfPixelCenters: halfPixelCenters)
        rowsFloat = Self.floatTaps(input: inputHeight, output: outputHeight,
                                   alignCorners: alignCorners, halfPixelCenters: halfPixelCenters)
        columnsFloat = Self.floatTaps(input: inputWidth, output: outputWidth,
                                      alignCorners: alignCorners, halfPixelCenters: halfPixelCenters)
    }

    /// ResizeBilinearInteger's scale_10 and ComputeInterpolationValuesInteger, in int32 with C division.
    static func integerTaps(input: Int, output: Int, alignCorners: Bool, halfPixelCenters: Bool) -> [ResizeTapInteger] {
        let inSize = Int32(input), outSize = Int32(output)
        var scale10 = ((1 << 10) * inSize + outSize / 2) / outSize
        if alignCorners && outSize > 1 {
            scale10 = ((1 << 10) * (inSize - 1) + (outSize - 1) / 2) / (outSize - 1)
        }
        return (0..<outSize).map { v in
            let scaled = halfPixelCenters ? v * scale10 + scale10 / 2 - (1 << 9) : v * scale10
            // Division truncates toward zero (not floor), as in C: -300 / 1024 == 0.
            let lower = Swift.max(scaled / (1 << 10), 0)
            let upper = Swift.min((scaled + (1 << 10) - 1) / (1 << 10), inSize - 1)
            return ResizeTapInteger(scaled: scaled, lower: lower, upper: upper)
        }
    }

    /// ResizeBilinear's float scale and ComputeInterpolationValues, in single precision.
    static func floatTaps(input: Int, output: Int, alignCorners: Bool, halfPixelCenters: Bool) -> [ResizeTapFloat] {
        var scale = Float(input) / Float(output)
        if alignCorners && output > 1 {
            scale = Float(input - 1) / Float(output - 1)
        }
        return (0..<output).map { v in
            let value = Float(v)
            let scaled = halfPixelCenters ? (value + 0.5) * scale - 0.5 : value * scale
            let lower = Swift.max(truncatingInt32(scaled.rounded(.down)), 0)
            let upper = Swift.min(truncatingInt32(scaled.rounded(.up)), Int32(input - 1))
            return ResizeTapFloat(scaled: scaled, lower: lower, upper: upper)
        }
    }
}

/// Int8 RESIZE_BILINEAR, TFLite's integer reference (`ResizeBilinearInteger`).
///
/// `input` holds batches·inputHeight·inputWidth·depth elements (NHWC), `output` the output shape's; no aliasing.
public func resizeBilinear(_ p: ResizeBilinearParameters, input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>) {
    let depth = p.depth
    let rowStride = p.inputWidth * depth
    let imageStride = p.inputHeight * rowStride
    var out = output
    for b in 0..<p.batches {
        let image = input + b * imageStride
        for ty in p.rowsInteger {
            let dy = Int64(ty.scaled - (1 << 10) * ty.lower)
            let wy0 = (1 << 10) - dy, wy1 = dy
            let row0 = image + Int(ty.lower) * rowStride
            let row1 = image + Int(ty.upper) * rowStride
            for tx in p.columnsInteger {
                let dx = Int64(tx.scaled - (1 << 10) * tx.lower)
                let wx0 = (1 << 10) - dx, wx1 = dx
                let p00 = row0 + Int(tx.lower) * depth, p01 = row0 + Int(tx.upper) * depth
                let p10 = row1 + Int(tx.lower) * depth, p11 = row1 + Int(tx.upper) * depth
                for c in 0..<depth {
                    let sum = Int64(p00[c]) * wy0 * wx0 + Int64(p10[c]) * wy1 * wx0
                        + Int64(p01[c]) * wy0 * wx1 + Int64(p11[c]) * wy1 * wx1
                    // Round half away from zero, dividing with truncation (the double-rounding build's form).
                    let round: Int64 = sum > 0 ? (1 << 19) : -(1 << 19)
                    out[c] = Int8(truncatingIfNeeded: (sum + round) / (1 << 20))
                }
                out += depth
            }
        }
    }
}

/// Legacy uint8 RESIZE_BILINEAR, TFLite's float reference (`ResizeBilinear<uint8_t>`).
///
/// Each output is `(uint8)(v00·(1−dy)·(1−dx) + v10·dy·(1−dx) + v01·(1−dy)·dx + v11·dy·dx + 0.5f)`, evaluated left to
/// right in float without fused multiply-adds. Buffers as for the int8 variant.
public func resizeBilinear(_ p: ResizeBilinearParameters, input: UnsafePointer<UInt8>, output: UnsafeMutablePointer<UInt8>) {
    let depth = p.depth
    let rowStride = p.inputWidth * depth
    let imageStride = p.inputHeight * rowStride
    var out = output
    for b in 0..<p.batches {
        let image = input + b * imageStride
        for ty in p.rowsFloat {
            let dy: Float = ty.scaled - Float(ty.lower)
            let wy0: Float = 1 - dy
            let row0 = image + Int(ty.lower) * rowStride
            let row1 = image + Int(ty.upper) * rowStride
            for tx in p.columnsFloat {
                let dx: Float = tx.scaled - Float(tx.lower)
                let wx0: Float = 1 - dx
                let p00 = row0 + Int(tx.lower) * depth, p01 = row0 + Int(tx.upper) * depth
                let p10 = row1 + Int(tx.lower) * depth, p11 = row1 + Int(tx.upper) * depth
                for c in 0..<depth {
                    var acc: Float = Float(p00[c]) * wy0 * wx0
                    acc = acc + Float(p10[c]) * dy * wx0
                    acc = acc + Float(p01[c]) * wy0 * dx
                    acc = acc + Float(p11[c]) * dy * dx
                    acc = acc + 0.5
                    out[c] = UInt8(truncatingIfNeeded: truncatingInt32(acc))
                }
                out += depth
            }
        }
    }
}
