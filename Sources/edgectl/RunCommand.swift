import ArgumentParser
import Runtime
import TFLite

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model once on raw tensor bytes and write or print the outputs."
    )

    @Argument(help: "The .tflite model.")
    var model: String

    @Option(name: .long, help: "Raw bytes of an input tensor (model dtype, NHWC); repeat once per input, in order.")
    var input: [String] = []

    @Option(name: .long, help: "Write output 0's raw bytes here (output J > 0 goes to FILE.J).")
    var output: String?

    @Option(name: .long, help: "Write every tensor's bytes after the run to DIR/t<index>.bin (no arena reuse).")
    var dumpTensors: String?

    @Option(name: .long, help: "Print the K highest-scoring classes of each output.")
    var top: Int?

    func validate() throws {
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
        if input.isEmpty { throw ValidationError("give the input tensor with --input FILE") }
    }

    func run() throws {
        let parsed = try FileAccess.loadModel(model)
        let interpreter = try FileAccess.interpreter(for: parsed, path: model, preserveTensors: dumpTensors != nil)
        guard input.count == interpreter.inputs.count else {
            throw CommandLineError("the model has \(interpreter.inputs.count) inputs but \(input.count) --input files were given")
        }
        for (i, path) in input.enumerated() {
            let bytes = try FileAccess.read(path)
            do {
                try interpreter.setInput(i, bytes)
            } catch {
                throw CommandLineError("\(path): \(error.message)")
            }
        }
        interpreter.invoke()
        if let dumpTensors {
            for index in parsed.mainGraph.tensors.indices {
                if let bytes = interpreter.tensorBytes(index) {
                    try FileAccess.write(bytes, to: "\(dumpTensors)/t\(index).bin")
                }
            }
        }
        for (j, info) in interpreter.outputs.enumerated() {
            let bytes = interpreter.outputBytes(j)
            if let output {
                try FileAccess.write(bytes, to: j == 0 ? output : "\(output).\(j)")
            }
            if let top {
                print("output \(j) (\(info.name)):")
                for (rank, entry) in TopK.classes(bytes, info: info, k: top).enumerated() {
                    print("  \(rank + 1). class \(entry.index) score \(entry.quantized) (\(entry.real))")
                }
            } else if output == nil {
                print("output \(j) (\(info.name), \(info.type.name) \(info.shape)): \(TopK.values(bytes, type: info.type).map(String.init).joined(separator: " "))")
            }
        }
    }
}

/// Ranking of classifier outputs.
enum TopK {
    struct Entry {
        var index: Int
        var quantized: Int
        var real: Float
    }

    static func values(_ bytes: [UInt8], type: TensorType) -> [Int] {
        switch type {
        case .int8: bytes.map { Int(Int8(bitPattern: $0)) }
        default: bytes.map { Int($0) }
        }
    }

    /// The k largest entries, first maximum first on ties (as ARG_MAX).
    static func classes(_ bytes: [UInt8], info: TensorInfo, k: Int) -> [Entry] {
        let values = values(bytes, type: info.type)
        let order = values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
        return order.prefix(k).map { i in
            Entry(index: i, quantized: values[i], real: info.scale * Float(values[i] - Int(info.zeroPoint)))
        }
    }
}
