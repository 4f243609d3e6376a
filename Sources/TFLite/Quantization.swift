/// Affine quantisation of a tensor: real = scale × (q − zeroPoint), per tensor or per channel.
public struct Quantization: Sendable, Equatable {
    /// One scale per tensor, or one per slice along `quantizedDimension`.
    public var scales: [Float]
    /// Zero points, parallel to `scales`.
    public var zeroPoints: [Int64]
    /// The axis along which scales vary when there is more than one.
    public var quantizedDimension: Int
    /// Calibrated float ranges, when the converter kept them.
    public var min: [Float]
    public var max: [Float]

    public init(scales: [Float], zeroPoints: [Int64], quantizedDimension: Int = 0, min: [Float] = [], max: [Float] = []) {
        self.scales = scales
        self.zeroPoints = zeroPoints
        self.quantizedDimension = quantizedDimension
        self.min = min
        self.max = max
    }

    /// True when one scale covers the whole tensor.
    public var isPerTensor: Bool { scales.count == 1 }

    /// The first (or only) scale; 0 when the tensor is not quantised.
    public var scale: Float { scales.first ?? 0 }

    /// The first (or only) zero point.
    public var zeroPoint: Int32 { Int32(truncatingIfNeeded: zeroPoints.first ?? 0) }
}
