import TFLite

/// A model the gate judges: the `.tflite` bytes, where they came from, and its float reference.
public struct GateModel: Sendable {
    /// A label for reports: a path, or `name@version` in the collector.
    public var name: String
    /// The `.tflite` file as stored (its length is the payload budgets are checked with).
    public var bytes: [UInt8]
    public var model: Model
    public var floatReference: FloatReference

    /// Parses the bytes; a file the reader refuses is an `invalidModel` error naming `name`.
    public init(name: String, bytes: [UInt8], floatReference: FloatReference = .recomputed) throws(GateError) {
        self.name = name
        self.bytes = bytes
        do {
            model = try Model(bytes: bytes)
        } catch {
            throw GateError(.invalidModel, "\(name): not a valid .tflite model: \(error.message)")
        }
        self.floatReference = floatReference
    }
}
