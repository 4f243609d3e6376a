import CDotProduct

extension Conv2DParameters {
    /// The geometry as the C kernels that gather their own taps read it (`edgefleet_conv_shape`).
    @inlinable
    var cShape: edgefleet_conv_shape {
        edgefleet_conv_shape(
            inputHeight: inputHeight, inputWidth: inputWidth, inputChannels: inputChannels, outputHeight: outputHeight,
            outputWidth: outputWidth, outputChannels: outputChannels, filterHeight: filterHeight, filterWidth: filterWidth,
            strideHeight: strideHeight, strideWidth: strideWidth, dilationHeight: dilationHeight,
            dilationWidth: dilationWidth, paddingTop: paddingTop, paddingLeft: paddingLeft)
    }
}
