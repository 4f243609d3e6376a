/// Output size and padding of a convolution or pool along one spatial axis, as TFLite computes them.
public struct ConvolutionGeometry: Sendable, Equatable {
    public var outputSize: Int
    /// Taps skipped before the first input element (top or left).
    public var paddingBefore: Int

    /// TFLite's `ComputePaddingHeightWidth` for one axis.
    public init(inputSize: Int, filterSize: Int, stride: Int, dilation: Int, same: Bool) {
        let effective = (filterSize - 1) * dilation + 1
        let out = same ? (inputSize + stride - 1) / stride : (inputSize - effective + stride) / stride
        self.outputSize = max(out, 0)
        let total = max((outputSize - 1) * stride + effective - inputSize, 0)
        self.paddingBefore = total / 2
    }
}

extension Conv2DParameters {
    /// The offset (in elements, from the batch's first input pixel) of output pixel (oy, ox)'s first tap when every
    /// tap lies inside the image, or nil when some fall in the padding. Interior pixels (most of them) then need no
    /// per-tap bounds check: their taps follow at fixed strides from this one.
    @inlinable @inline(__always)
    public func interiorFirstTap(oy: Int, ox: Int) -> Int? {
        let iy0 = oy * strideHeight - paddingTop
        let ix0 = ox * strideWidth - paddingLeft
        guard iy0 >= 0 && iy0 + (filterHeight - 1) * dilationHeight < inputHeight
            && ix0 >= 0 && ix0 + (filterWidth - 1) * dilationWidth < inputWidth else { return nil }
        return (iy0 * inputWidth + ix0) * inputChannels
    }

    /// Resolves the taps of output pixel (oy, ox) to input rows: the row of `inputChannels` values under each tap,
    /// or `zeroRow` where the tap falls in padding (so padded taps contribute zero after the folded correction).
    ///
    /// `image` is the batch's first input pixel; `rows` has room for `filterHeight × filterWidth` pointers.
    @inlinable @inline(__always)
    public func gatherTapRows<X>(image: UnsafePointer<X>, oy: Int, ox: Int, zeroRow: UnsafePointer<X>,
                                 into rows: UnsafeMutablePointer<UnsafePointer<X>>) {
        var t = 0
        if let first = interiorFirstTap(oy: oy, ox: ox) {
            var rowStart = image + first
            let tapStep = dilationWidth * inputChannels, rowStep = dilationHeight * inputWidth * inputChannels
            for _ in 0..<filterHeight {
                var tap = rowStart
                for _ in 0..<filterWidth {
                    rows[t] = tap
                    tap += tapStep
                    t += 1
                }
                rowStart += rowStep
            }
            return
        }
        let iy0 = oy * strideHeight - paddingTop
        let ix0 = ox * strideWidth - paddingLeft
        for ky in 0..<filterHeight {
            let iy = iy0 + ky * dilationHeight
            for kx in 0..<filterWidth {
                let ix = ix0 + kx * dilationWidth
                if iy >= 0 && iy < inputHeight && ix >= 0 && ix < inputWidth {
                    rows[t] = image + (iy * inputWidth + ix) * inputChannels
                } else {
                    rows[t] = zeroRow
                }
                t += 1
            }
        }
    }
}
