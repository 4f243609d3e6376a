/// A model a simulated device runs on the rows it draws, so its predictions, confidences and accuracy are those of
/// the bundle it serves rather than a stand-in.
///
/// Instances are confined to one device and called under that device's lock, never concurrently (hence `Sendable`
/// even when an implementation wraps a non-thread-safe interpreter: it must then be `@unchecked Sendable`).
public protocol SimulatedClassifier: AnyObject, Sendable {
    /// The predicted class index and its score (0…1) for one row of raw input features.
    func predict(_ row: [Double]) -> (predicted: Int, confidence: Double)
}

/// Makes a classifier from a bundle's bytes (nil when the bundle holds no model the simulator can run). Called once
/// per device and installed bundle.
public typealias SimulatedClassifierLoader = @Sendable ([UInt8]) -> (any SimulatedClassifier)?
