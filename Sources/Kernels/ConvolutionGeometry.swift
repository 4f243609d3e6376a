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
