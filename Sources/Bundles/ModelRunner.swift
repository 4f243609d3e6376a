import Runtime
import TFLite

/// Runs a model on raw input tensors, for golden outputs and baseline predictions at build time.
public final class ModelRunner {
    private let interpreter: Interpreter
    public let inputs: [TensorSchema]
    public let outputs: [TensorSchema]

    /// Parses the model and prepares an interpreter for it, keeping the `preserving` tensors readable after a run.
    public init(modelBytes: [UInt8], preserving: [Int] = []) throws(BundleError) {
        let model = try ModelAnalyzer.parse(modelBytes)
        do { interpreter = try Interpreter(model: model, preserving: preserving) } catch {
            throw BundleError(.modelAnalysis, "the runtime cannot prepare the model: \(error)")
        }
        inputs = interpreter.inputs.map(ModelAnalyzer.schema)
        outputs = interpreter.outputs.map(ModelAnalyzer.schema)
    }

    /// One inference: raw bytes per input tensor in, raw bytes per output tensor out.
    public func run(_ tensors: [[UInt8]]) throws(BundleError) -> [[UInt8]] {
        guard tensors.count == inputs.count else {
            throw BundleError(.invalidInput, "the model takes \(inputs.count) inputs, got \(tensors.count)")
        }
        for (index, bytes) in tensors.enumerated() {
            if let expected = inputs[index].byteCount, expected != bytes.count {
                throw BundleError(.invalidInput, "input \(index) needs \(expected) bytes, got \(bytes.count)")
            }
            var failure: (any Error)?
            bytes.withUnsafeBytes { buffer in
                do { try interpreter.setInput(index, bytes: buffer) } catch { failure = error }
            }
            if let failure { throw BundleError(.modelAnalysis, "setting input \(index) failed: \(failure)") }
        }
        interpreter.invoke()
        return outputs.indices.map { interpreter.outputBytes($0) }
    }

    /// The bytes of a preserved tensor (or an output) after the last ``run(_:)``.
    public func preservedBytes(_ tensorIndex: Int) -> [UInt8]? {
        interpreter.preservedBuffer(tensorIndex).map { Array($0) }
    }

    /// Index and schema of the tensor called `name` in the model's main graph, or nil.
    ///
    /// `#N` names tensor N when no tensor has that name (long converter names, as `edgectl inspect --tensors` lists them).
    public static func tensor(named name: String, in modelBytes: [UInt8]) throws(BundleError) -> (index: Int, schema: TensorSchema)? {
        let model = try ModelAnalyzer.parse(modelBytes)
        let tensors = model.mainGraph.tensors
        var found = tensors.firstIndex { $0.name == name }
        if found == nil, name.hasPrefix("#"), let number = Int(name.dropFirst()), tensors.indices.contains(number) { found = number }
        guard let index = found else { return nil }
        let interpreter: Interpreter
        do { interpreter = try Interpreter(model: model) } catch {
            throw BundleError(.modelAnalysis, "the runtime cannot prepare the model: \(error)")
        }
        guard let info = interpreter.tensorInfo(index) else { return nil }
        return (index, ModelAnalyzer.schema(info))
    }
}
