/// Affine int8 quantisation of a tensor, real = scale × (q − zeroPoint), as TFLite's converter derives it.
public struct QuantizationParameters: Sendable, Equatable, Codable {
    public var scale: Float
    public var zeroPoint: Int32

    public init(scale: Float, zeroPoint: Int32) {
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// Asymmetric int8 parameters covering a calibrated range, widened to include 0 so zero is exact.
    ///
    /// scale = (max − min) / 255, zero point = round(−128 − min / scale) clamped to [−128, 127]. A range of
    /// width 0 (a dead ReLU) gets scale 1/255 so the tensor still has a valid, positive scale.
    public init(calibratedMin: Float, calibratedMax: Float) {
        let lo = Double(Swift.min(calibratedMin, 0)), hi = Double(Swift.max(calibratedMax, 0))
        let width = hi - lo
        let s = width > 0 ? width / 255 : 1.0 / 255
        scale = Float(s)
        let z = (-128 - lo / Double(scale)).rounded(.toNearestOrAwayFromZero)
        zeroPoint = Int32(Swift.min(Swift.max(z, -128), 127))
    }

    /// The output-tensor parameters TFLite requires of an int8 SOFTMAX.
    public static let softmaxOutput = QuantizationParameters(scale: 1.0 / 256, zeroPoint: -128)

    /// Quantises as TFLite's float→int8 QUANTIZE does: round half away from zero of x / scale (in float), add
    /// the zero point, clamp.
    public func quantize(_ x: Float) -> Int8 {
        let q = (x / scale).rounded(.toNearestOrAwayFromZero)
        let wide: Int32
        if q.isNaN { wide = 0 } else if q >= 2147483648.0 { wide = .max } else if q <= -2147483648.0 { wide = .min } else { wide = Int32(q) }
        let shifted = Int64(wide) + Int64(zeroPoint)
        return Int8(Swift.min(Swift.max(shifted, -128), 127))
    }

    public func dequantize(_ q: Int8) -> Float {
        scale * Float(Int32(q) - zeroPoint)
    }
}
