extension Conv2DParameters {
    /// True for a 1×1 convolution with stride 1 and no padding whose output has the input's height and width: each
    /// output pixel reads exactly the input pixel at its own index, so the GEMM needs no gather (no im2col).
    @inlinable
    public var isPointwise: Bool {
        filterHeight == 1 && filterWidth == 1 && strideHeight == 1 && strideWidth == 1 && paddingTop == 0
            && paddingLeft == 0 && outputHeight == inputHeight && outputWidth == inputWidth
    }
}
