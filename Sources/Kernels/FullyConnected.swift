/// Shapes and requantisation of one FULLY_CONNECTED, fixed at prepare time.
public struct FullyConnectedParameters: Sendable {
    /// Rows of the flattened input.
    public var batches: Int
    /// Input features (the filter's second dimension).
    public var inputDepth: Int
    /// Output units (the filter's first dimension).
    public var outputDepth: Int
    public var requantization: ChannelRequantization

    public init(batches: Int, inputDepth: Int, outputDepth: Int, requantization: ChannelRequantization) {
        self.batches = batches
        self.inputDepth = inputDepth
        self.outputDepth = outputDepth
        self.requantization = requantization
    }

    public var macs: Int { batches * inputDepth * outputDepth }

    /// The same computation seen as a 1×1 convolution over `batches` images of one pixel.
    var asConvolution: Conv2DParameters {
        Conv2DParameters(
            batches: batches, inputHeight: 1, inputWidth: 1, inputChannels: inputDepth,
            outputHeight: 1, outputWidth: 1, outputChannels: outputDepth,
            filterHeight: 1, filterWidth: 1, strideHeight: 1, strideWidth: 1,
            dilationHeight: 1, dilationWidth: 1, paddingTop: 0, paddingLeft: 0,
            requantization: requantization)
    }
}

/// Int8 FULLY_CONNECTED, bit-exact with TFLite's reference `FullyConnected` (integer_ops).
///
/// - `input`: `[batches, inputDepth]` int8. `filter`: `[outputDepth, inputDepth]` int8, zero point 0.
/// - `foldedBias`: from `foldedConvolutionBias` with `filterSizePerChannel = inputDepth`.
/// - `zeroRow`: unused by a fully-connected layer but kept for the shared loop; `inputDepth` zero points.
public func fullyConnected(
    _ p: FullyConnectedParameters, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>
) {
    conv2D(p.asConvolution, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, output: output)
}

/// Legacy uint8 FULLY_CONNECTED; `filter` holds `w − zp_w` as Int16.
public func fullyConnected(
    _ p: FullyConnectedParameters, input: UnsafePointer<UInt8>, filter: UnsafePointer<Int16>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<UInt8>, output: UnsafeMutablePointer<UInt8>
) {
    conv2D(p.asConvolution, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, output: output)
}
