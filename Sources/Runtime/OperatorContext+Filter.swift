import Kernels
import TFLite

/// The set-up shared by the operators with a weight filter (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED).
extension OperatorContext {
    /// The validated quantisation of a filtered operator and its per-channel requantisation.
    ///
    /// `doubleScales` selects the double-precision rescale of TFLite's FULLY_CONNECTED reference kernels; otherwise
    /// fixed-point multipliers, with the scales multiplied in float first for uint8 (TFLite's per-tensor path).
    func filterQuantization(
        input: Tensor, filter: Tensor, output: Tensor, type: TensorType, channels: Int,
        activation: ActivationFunction, doubleScales: Bool = false
    ) throws(RuntimeError) -> (input: Quantization, filter: Quantization, requantization: ChannelRequantization) {
        let inQ = try quantization(input), filterQ = try quantization(filter), outQ = try quantization(output)
        guard filterQ.scales.count == 1 || filterQ.scales.count == channels else {
            throw invalid("filter has \(filterQ.scales.count) scales for \(channels) output channels")
        }
        if type == .int8, filterQ.zeroPoints.contains(where: { $0 != 0 }) {
            throw unsupported("int8 filters must have zero point 0")
        }
        let range = try activationRange(activation, output: output)
        let requantization = doubleScales
            ? ChannelRequantization(
                doubleScalesWithInputScale: inQ.scale, filterScales: filterQ.scales, outputScale: outQ.scale, channels: channels,
                outputZeroPoint: outQ.zeroPoint, outputMin: range.min, outputMax: range.max)
            : ChannelRequantization(
                inputScale: inQ.scale, filterScales: filterQ.scales, outputScale: outQ.scale, channels: channels,
                outputZeroPoint: outQ.zeroPoint, outputMin: range.min, outputMax: range.max, floatProduct: type == .uint8)
        return (inQ, filterQ, requantization)
    }

    /// The optional int32 bias (input 2), checked against the channel count.
    func biasValues(channels: Int) throws(RuntimeError) -> [Int32]? {
        guard optionalInput(2) != nil else { return nil }
        let values = try constantInput(2, as: Int32.self)
        guard values.count == channels else { throw invalid("bias has \(values.count) values for \(channels) channels") }
        return values
    }

    /// The constant filter (input 1) with its zero point removed, as Int16: uint8 weights minus their zero point
    /// span −255…255; int8 weights (zero point 0) are widened unchanged.
    func filterValues(_ filterQ: Quantization, type: TensorType) throws(RuntimeError) -> [Int16] {
        if type == .uint8 {
            let zp = Int16(filterQ.zeroPoint)
            return try constantInput(1, as: UInt8.self).map { Int16($0) - zp }
        }
        return try constantInput(1, as: Int8.self).map(Int16.init)
    }
}
