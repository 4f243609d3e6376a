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
    public var asConvolution: Conv2DParameters {
        Conv2DParameters(
            batches: batches, inputHeight: 1, inputWidth: 1, inputChannels: inputDepth,
            outputHeight: 1, outputWidth: 1, outputChannels: outputDepth,
            filterHeight: 1, filterWidth: 1, strideHeight: 1, strideWidth: 1,
            dilationHeight: 1, dilationWidth: 1, paddingTop: 0, paddingLeft: 0,
            requantization: requantization)
    }
}

/// Int8 FULLY_CONNECTED through the packed GEMM microkernel, bit-exact with TFLite's reference kernel.
///
/// - `input`: `[batches, inputDepth]` int8. `filter`: packed from `[outputDepth, inputDepth]` (one tap).
/// - `foldedBias`: from `foldedConvolutionBias` with `filterSizePerChannel = inputDepth`.
/// - `zeroRow`: `inputDepth` zero points (never read: a dense layer has no padding).
/// - `scratch`: `filter.scratchBytes(pixels: 4)` bytes owned by the caller.
public func fullyConnected(
    _ p: FullyConnectedParameters, input: UnsafePointer<Int8>, filter: borrowing PackedFilter,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<Int8>, scratch: UnsafeMutableRawPointer,
    output: UnsafeMutablePointer<Int8>
) {
    conv2D(p.asConvolution, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, scratch: scratch, output: output)
}

/// Legacy uint8 FULLY_CONNECTED through the packed GEMM microkernel.
public func fullyConnected(
    _ p: FullyConnectedParameters, input: UnsafePointer<UInt8>, filter: borrowing PackedFilter,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<UInt8>, scratch: UnsafeMutableRawPointer,
    output: UnsafeMutablePointer<UInt8>
) {
    conv2D(p.asConvolution, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, scratch: scratch, output: output)
}

/// Int8 FULLY_CONNECTED by direct dot products: the reference twin of the packed form, kept for tests.
public func fullyConnectedReference(
    _ p: FullyConnectedParameters, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>,
    foldedBias: UnsafePointer<Int32>, zeroRow: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>
) {
    conv2DReference(p.asConvolution, input: input, filter: filter, foldedBias: foldedBias, zeroRow: zeroRow, output: output)
}
