import ArgumentParser
import Runtime
import TFLite

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model's operators, tensors with quantisation, MACs and arena plan."
    )

    @Argument(help: "The .tflite model.")
    var model: String

    @Flag(help: "List every tensor, not only inputs, outputs and a summary.")
    var tensors = false

    func run() throws {
        let parsed = try FileAccess.loadModel(model)
        let graph = parsed.mainGraph
        print("model: \(model)")
        print("schema version: \(parsed.version)  subgraphs: \(parsed.subgraphs.count)  operators: \(graph.operators.count)  tensors: \(graph.tensors.count)")
        if !parsed.description.isEmpty { print("description: \(parsed.description)") }
        print("\ninputs:")
        for i in graph.inputs { print("  " + Self.describe(graph.tensors[i], index: i)) }
        print("outputs:")
        for i in graph.outputs { print("  " + Self.describe(graph.tensors[i], index: i)) }
        print("\noperators:")
        for (step, op) in graph.operators.enumerated() {
            let ins = op.inputs.map { $0 < 0 ? "-" : String($0) }.joined(separator: ",")
            let outs = op.outputs.map(String.init).joined(separator: ",")
            print("  #\(step) \(op.name) in=[\(ins)] out=[\(outs)]\(Self.describe(op.options))")
        }
        // The subgraphs IF, WHILE and CALL_ONCE run (inputs → outputs, operators), after the main graph's.
        for index in parsed.subgraphs.indices.dropFirst() {
            let sub = parsed.subgraphs[index]
            print("\nsubgraph \(index) \(sub.name.isEmpty ? "" : "(\(sub.name)) ")in=\(sub.inputs) out=\(sub.outputs):")
            for (step, op) in sub.operators.enumerated() {
                let ins = op.inputs.map { $0 < 0 ? "-" : String($0) }.joined(separator: ",")
                let outs = op.outputs.map(String.init).joined(separator: ",")
                print("  #\(step) \(op.name) in=[\(ins)] out=[\(outs)]\(Self.describe(op.options))")
            }
        }
        if tensors {
            print("\ntensors:")
            for (i, t) in graph.tensors.enumerated() { print("  " + Self.describe(t, index: i, constant: !parsed.data(of: t).isEmpty)) }
        }
        let unsupported = OperatorSupport.unsupportedOperators(in: parsed)
        print("")
        if !unsupported.isEmpty {
            print("unsupported operators: \(unsupported.joined(separator: ", "))")
            throw ExitCode(1)
        }
        let interpreter = try FileAccess.interpreter(for: parsed, path: model)
        print("MACs: \(interpreter.macs) (\(Self.millions(interpreter.macs)) M)")
        print("weights: \(interpreter.weightsBytes) bytes")
        print("arena: \(interpreter.arenaBytes) bytes (greedy plan over tensor lifetimes\(parsed.subgraphs.count > 1 ? "; the main graph's and one per subgraph run by control flow" : ""))")
        if interpreter.variableBytes > 0 { print("resource variables: \(interpreter.variableBytes) bytes (outside the arena, kept across invokes)") }
        print("kernel workspace: \(interpreter.workspaceBytes) bytes (outside the arena, shared by all operators)")
    }

    static func millions(_ n: Int) -> String {
        let tenths = (n + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func describe(_ options: BuiltinOptions) -> String {
        switch options {
        case .none: ""
        case .conv2D(let o): " \(o.padding) stride=\(o.strideHeight)x\(o.strideWidth) dilation=\(o.dilationHeight)x\(o.dilationWidth) act=\(o.activation)"
        case .depthwiseConv2D(let o): " \(o.padding) stride=\(o.strideHeight)x\(o.strideWidth) multiplier=\(o.depthMultiplier) dilation=\(o.dilationHeight)x\(o.dilationWidth) act=\(o.activation)"
        case .pool2D(let o): " \(o.padding) filter=\(o.filterHeight)x\(o.filterWidth) stride=\(o.strideHeight)x\(o.strideWidth) act=\(o.activation)"
        case .fullyConnected(let o): " act=\(o.activation) keep_num_dims=\(o.keepNumDims)"
        case .softmax(let o): " beta=\(o.beta)"
        case .concatenation(let o): " axis=\(o.axis) act=\(o.activation)"
        case .arithmetic(let o): " act=\(o.activation)"
        case .reshape(let o): o.newShape.map { " new_shape=\($0)" } ?? ""
        case .resizeBilinear(let o): " align_corners=\(o.alignCorners) half_pixel_centers=\(o.halfPixelCenters)"
        case .reducer(let o): " keep_dims=\(o.keepDims)"
        case .squeeze(let o): " squeeze_dims=\(o.squeezeDims)"
        case .leakyRelu(let o): " alpha=\(o.alpha)"
        case .argMax(let o): " output_type=\(o.outputType.name)"
        case .varHandle(let o): " container=\"\(o.container)\" shared_name=\"\(o.sharedName)\""
        case .scalars(let o): o.fields.map { " field\($0.index)=\($0.bytes.count == 1 ? Int(o.int8($0.index)) : o.int($0.index))" }.joined()
        }
    }

    static func describe(_ t: Tensor, index: Int, constant: Bool = false) -> String {
        var s = "[\(index)] \(t.name) \(t.type.name) \(t.shape)"
        if let q = t.quantization {
            if q.isPerTensor {
                s += " scale=\(q.scale) zero_point=\(q.zeroPoint)"
            } else {
                s += " per-channel(dim \(q.quantizedDimension), \(q.scales.count) scales)"
            }
        }
        if constant { s += " const" }
        return s
    }
}
