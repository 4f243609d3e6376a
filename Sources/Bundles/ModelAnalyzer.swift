import Runtime
import TFLite

/// The one place bundles ask the runtime about a model.
public enum ModelAnalyzer {
    /// Parses the model and prepares an interpreter to learn its operators, arena, weights, MACs and I/O.
    public static func analyze(_ modelBytes: [UInt8]) throws(BundleError) -> ModelAnalysis {
        let model = try parse(modelBytes)
        let operators = OperatorSupport.operatorNames(in: model).sorted()
        let unsupported = OperatorSupport.unsupportedOperators(in: model).sorted()
        let graph = model.mainGraph
        func schema(_ index: Int) -> TensorSchema {
            guard graph.tensors.indices.contains(index) else { return TensorSchema(name: "?", shape: [], dtype: "unknown", scale: 0, zeroPoint: 0) }
            let tensor = graph.tensors[index]
            return TensorSchema(name: tensor.name, shape: tensor.shape, dtype: tensor.type.name,
                                scale: tensor.quantization?.scale ?? 0, zeroPoint: tensor.quantization?.zeroPoint ?? 0)
        }
        guard unsupported.isEmpty else {
            return ModelAnalysis(operators: operators, unsupportedOperators: unsupported, arenaBytes: 0, weightsBytes: 0, macs: 0,
                                 inputs: graph.inputs.map(schema), outputs: graph.outputs.map(schema))
        }
        let interpreter: Interpreter
        do { interpreter = try Interpreter(model: model) } catch {
            throw BundleError(.modelAnalysis, "the runtime cannot prepare the model: \(error)")
        }
        return ModelAnalysis(operators: operators, unsupportedOperators: [], arenaBytes: interpreter.arenaBytes,
                             weightsBytes: interpreter.weightsBytes, macs: interpreter.macs,
                             inputs: interpreter.inputs.map(Self.schema), outputs: interpreter.outputs.map(Self.schema))
    }

    /// Builtin operator names this runtime implements.
    public static var supportedOperators: Set<String> { Set(OperatorSupport.supportedOperatorNames) }

    /// Operators in the model that this runtime does not implement, sorted.
    public static func unsupportedOperators(in modelBytes: [UInt8]) throws(BundleError) -> [String] {
        OperatorSupport.unsupportedOperators(in: try parse(modelBytes)).sorted()
    }

    static func parse(_ modelBytes: [UInt8]) throws(BundleError) -> Model {
        do { return try Model(bytes: modelBytes) } catch {
            throw BundleError(.modelAnalysis, "not a readable .tflite model: \(error)")
        }
    }

    static func schema(_ info: TensorInfo) -> TensorSchema {
        TensorSchema(name: info.name, shape: info.shape, dtype: info.type.name, scale: info.scale, zeroPoint: info.zeroPoint)
    }
}
