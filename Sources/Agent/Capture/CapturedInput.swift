import FleetProtocol
import Runtime

/// An input the inference loop chose to keep, copied out of the model's buffers.
struct CapturedInput: Sendable {
    var model: BundleReference
    var reason: CaptureReason
    var predicted: Int
    var score: Double
    /// Raw bytes of each input tensor, in order.
    var inputs: [[UInt8]]
    /// Name, shape and type of each input tensor.
    var tensors: [TensorInfo]
    var output: [UInt8]
}
