// Field numbers follow tflite/converter/schema/schema.fbs.

extension Model {
    /// Parses and validates a `.tflite` flatbuffer.
    ///
    /// Every offset, length and index is checked: a truncated or hostile file throws a `ModelFormatError`
    /// naming what is wrong rather than reading out of bounds.
    public init(bytes: [UInt8]) throws(ModelFormatError) {
        let reader = FlatBufferReader(bytes)
        guard bytes.count >= 8 else {
            throw ModelFormatError(.truncated, "the file has \(bytes.count) bytes; a .tflite model has at least an 8-byte header")
        }
        guard bytes[4] == 0x54, bytes[5] == 0x46, bytes[6] == 0x4C, bytes[7] == 0x33 else {
            throw ModelFormatError(.badIdentifier, "the file identifier is not TFL3: this is not a .tflite model")
        }
        let root = try reader.rootTable("the model table")
        let version = try root.u32(0)

        let operatorCodes = try root.tables(1, "operator_codes").map { (code) throws(ModelFormatError) in
            try Self.readOperatorCode(code)
        }
        let buffers = try root.tables(4, "buffers").enumerated().map { (pair) throws(ModelFormatError) in
            try Self.readBuffer(pair.element, index: pair.offset, reader: reader)
        }
        let graphTables = try root.tables(2, "subgraphs")
        guard !graphTables.isEmpty else {
            throw ModelFormatError(.invalidValue, "the model has no subgraph")
        }
        var subgraphs: [Subgraph] = []
        for (index, table) in graphTables.enumerated() {
            subgraphs.append(try Self.readSubgraph(table, index: index, operatorCodes: operatorCodes, bufferCount: buffers.count))
        }
        let description = try root.string(3, "description") ?? ""
        self.init(bytes: bytes, version: version, description: description, subgraphs: subgraphs, buffers: buffers)
    }

    private struct OperatorCodeEntry {
        var code: BuiltinOperator
        var version: Int
        var customName: String?
    }

    private static func readOperatorCode(_ table: FlatTable) throws(ModelFormatError) -> OperatorCodeEntry {
        let deprecated = Int32(try table.i8(0))
        let current = try table.i32(3)
        // Old files only set the deprecated byte; new ones set both, with 127 as "see builtin_code".
        let code = BuiltinOperator(rawValue: max(deprecated, current))
        let version = Int(try table.i32(2, default: 1))
        let custom = try table.string(1, "custom_code")
        return OperatorCodeEntry(code: code, version: version, customName: custom)
    }

    private static func readBuffer(_ table: FlatTable, index: Int, reader: FlatBufferReader) throws(ModelFormatError) -> Buffer {
        let offset = try table.u64(1)
        if offset > 1 {
            let size = try table.u64(2)
            guard offset <= UInt64(reader.count), size <= UInt64(reader.count) - offset else {
                throw ModelFormatError(.truncated, "buffer \(index) points at bytes \(offset)..<\(offset &+ size), past the end of the \(reader.count)-byte file")
            }
            return Buffer(range: Int(offset)..<Int(offset + size))
        }
        if let (start, count) = try table.vector(0, elementSize: 1, "the data of buffer \(index)") {
            return Buffer(range: start..<start + count)
        }
        return Buffer(range: 0..<0)
    }

    private static func readSubgraph(
        _ table: FlatTable, index graphIndex: Int, operatorCodes: [OperatorCodeEntry], bufferCount: Int
    ) throws(ModelFormatError) -> Subgraph {
        let name = try table.string(4, "subgraph name") ?? ""
        var tensors: [Tensor] = []
        for (i, t) in try table.tables(0, "tensors").enumerated() {
            tensors.append(try readTensor(t, index: i, bufferCount: bufferCount))
        }
        func indices(_ values: [Int32]?, _ what: String, allowAbsent: Bool) throws(ModelFormatError) -> [Int] {
            var result: [Int] = []
            for v in values ?? [] {
                if v == -1 && allowAbsent { result.append(-1); continue }
                guard v >= 0, Int(v) < tensors.count else {
                    throw ModelFormatError(.invalidValue, "\(what) names tensor \(v), but subgraph \(graphIndex) has \(tensors.count) tensors")
                }
                result.append(Int(v))
            }
            return result
        }
        let inputs = try indices(try table.int32Vector(1, "subgraph inputs"), "a subgraph input", allowAbsent: false)
        let outputs = try indices(try table.int32Vector(2, "subgraph outputs"), "a subgraph output", allowAbsent: false)
        var operators: [Operator] = []
        for (i, opTable) in try table.tables(3, "operators").enumerated() {
            let opcodeIndex = Int(try opTable.u32(0))
            guard opcodeIndex < operatorCodes.count else {
                throw ModelFormatError(.invalidValue, "operator \(i) uses operator code \(opcodeIndex), but the model defines \(operatorCodes.count)")
            }
            let entry = operatorCodes[opcodeIndex]
            let opInputs = try indices(try opTable.int32Vector(1, "operator \(i) inputs"), "operator \(i) (\(entry.code.name)) input", allowAbsent: true)
            let opOutputs = try indices(try opTable.int32Vector(2, "operator \(i) outputs"), "operator \(i) (\(entry.code.name)) output", allowAbsent: false)
            let optionsTable = try opTable.table(4, "operator \(i) builtin options")
            let options = try readOptions(optionsTable, for: entry.code)
            let optionsType = try opTable.u8(3)
            // Field 8: indices like the inputs' (checked against the tensor count), but never −1.
            let intermediates = try indices(try opTable.int32Vector(8, "operator \(i) intermediates"),
                                            "operator \(i) (\(entry.code.name)) intermediate", allowAbsent: false)
            operators.append(Operator(
                opcode: entry.code, version: entry.version, customName: entry.customName,
                inputs: opInputs, outputs: opOutputs, options: options, builtinOptionsType: optionsType,
                intermediates: intermediates))
        }
        return Subgraph(name: name, tensors: tensors, inputs: inputs, outputs: outputs, operators: operators)
    }

    private static func readTensor(_ table: FlatTable, index: Int, bufferCount: Int) throws(ModelFormatError) -> Tensor {
        let name = try table.string(3, "tensor \(index) name") ?? ""
        let rawShape = try table.int32Vector(0, "the shape of tensor \(index)") ?? []
        var shape: [Int] = []
        var elements = 1
        for d in rawShape {
            guard d >= 0 else {
                throw ModelFormatError(.invalidValue, "tensor \(index) (\(name)) has a negative dimension \(d)")
            }
            let (product, overflow) = elements.multipliedReportingOverflow(by: Int(d))
            guard !overflow, product <= Int(Int32.max) else {
                throw ModelFormatError(.invalidValue, "tensor \(index) (\(name)) has an impossible size \(rawShape)")
            }
            elements = product
            shape.append(Int(d))
        }
        let rawType = try table.i8(1)
        guard let type = TensorType(rawValue: rawType) else {
            throw ModelFormatError(.invalidValue, "tensor \(index) (\(name)) has unknown type \(rawType)")
        }
        let buffer = Int(try table.u32(2))
        guard buffer < max(bufferCount, 1) else {
            throw ModelFormatError(.invalidValue, "tensor \(index) (\(name)) uses buffer \(buffer), but the model has \(bufferCount)")
        }
        if try table.fieldPosition(6, size: 4) != nil {
            throw ModelFormatError(.unsupported, "tensor \(index) (\(name)) is sparse; sparse tensors are not supported")
        }
        var quantization: Quantization?
        if let q = try table.table(4, "the quantization of tensor \(index)") {
            let scales = try q.floatVector(2, "scales of tensor \(index)") ?? []
            let zeroPoints = try q.int64Vector(3, "zero points of tensor \(index)") ?? []
            let dimension = Int(try q.i32(6))
            if !scales.isEmpty {
                guard zeroPoints.count == scales.count || zeroPoints.isEmpty else {
                    throw ModelFormatError(.invalidValue, "tensor \(index) (\(name)) has \(scales.count) scales but \(zeroPoints.count) zero points")
                }
                guard dimension >= 0, scales.count == 1 || dimension < shape.count else {
                    throw ModelFormatError(.invalidValue, "tensor \(index) (\(name)) is quantised along dimension \(dimension) of a \(shape.count)-D shape")
                }
                quantization = Quantization(
                    scales: scales,
                    zeroPoints: zeroPoints.isEmpty ? Array(repeating: 0, count: scales.count) : zeroPoints,
                    quantizedDimension: dimension,
                    min: try q.floatVector(0, "min of tensor \(index)") ?? [],
                    max: try q.floatVector(1, "max of tensor \(index)") ?? [])
            }
        }
        let isVariable = try table.bool(5)
        return Tensor(name: name, shape: shape, type: type, buffer: buffer, quantization: quantization, isVariable: isVariable)
    }

    private static func padding(_ raw: Int8) throws(ModelFormatError) -> Padding {
        guard let p = Padding(rawValue: raw) else { throw ModelFormatError(.invalidValue, "unknown padding \(raw)") }
        return p
    }

    private static func activation(_ raw: Int8) throws(ModelFormatError) -> ActivationFunction {
        guard let a = ActivationFunction(rawValue: raw) else { throw ModelFormatError(.invalidValue, "unknown fused activation \(raw)") }
        return a
    }

    private static func readOptions(_ t: FlatTable?, for code: BuiltinOperator) throws(ModelFormatError) -> BuiltinOptions {
        // An absent table means every field takes its schema default.
        func i8(_ i: Int, _ d: Int8 = 0) throws(ModelFormatError) -> Int8 { try t?.i8(i, default: d) ?? d }
        func int(_ i: Int, _ d: Int32) throws(ModelFormatError) -> Int { Int(try t?.i32(i, default: d) ?? d) }
        func bool(_ i: Int) throws(ModelFormatError) -> Bool { try t?.bool(i) ?? false }
        func f32(_ i: Int) throws(ModelFormatError) -> Float { try t?.f32(i) ?? 0 }

        switch code {
        case .conv2D:
            var o = Conv2DOptions()
            o.padding = try padding(try i8(0))
            o.strideWidth = try int(1, 0)
            o.strideHeight = try int(2, 0)
            o.activation = try activation(try i8(3))
            o.dilationWidth = try int(4, 1)
            o.dilationHeight = try int(5, 1)
            return .conv2D(o)
        case .depthwiseConv2D:
            var o = DepthwiseConv2DOptions()
            o.padding = try padding(try i8(0))
            o.strideWidth = try int(1, 0)
            o.strideHeight = try int(2, 0)
            o.depthMultiplier = try int(3, 0)
            o.activation = try activation(try i8(4))
            o.dilationWidth = try int(5, 1)
            o.dilationHeight = try int(6, 1)
            return .depthwiseConv2D(o)
        case .averagePool2D, .maxPool2D, .l2Pool2D:
            var o = Pool2DOptions()
            o.padding = try padding(try i8(0))
            o.strideWidth = try int(1, 0)
            o.strideHeight = try int(2, 0)
            o.filterWidth = try int(3, 0)
            o.filterHeight = try int(4, 0)
            o.activation = try activation(try i8(5))
            return .pool2D(o)
        case .fullyConnected:
            var o = FullyConnectedOptions()
            o.activation = try activation(try i8(0))
            o.weightsFormat = try i8(1)
            o.keepNumDims = try bool(2)
            return .fullyConnected(o)
        case .softmax:
            var o = SoftmaxOptions()
            o.beta = try f32(0)
            return .softmax(o)
        case .concatenation:
            var o = ConcatenationOptions()
            o.axis = try int(0, 0)
            o.activation = try activation(try i8(1))
            return .concatenation(o)
        case .add, .sub, .mul, .div:
            var o = ArithmeticOptions()
            o.activation = try activation(try i8(0))
            return .arithmetic(o)
        case .reshape:
            var o = ReshapeOptions()
            o.newShape = try t?.int32Vector(0, "reshape new_shape")?.map { Int($0) }
            return .reshape(o)
        case .resizeBilinear:
            var o = ResizeBilinearOptions()
            o.alignCorners = try bool(2)
            o.halfPixelCenters = try bool(3)
            return .resizeBilinear(o)
        case .mean, .sum, .reduceMax, .reduceMin, .reduceProd, .reduceAny, .reduceAll:
            var o = ReducerOptions()
            o.keepDims = try bool(0)
            return .reducer(o)
        case .squeeze:
            var o = SqueezeOptions()
            o.squeezeDims = try t?.int32Vector(0, "squeeze_dims")?.map { Int($0) } ?? []
            return .squeeze(o)
        case .leakyRelu:
            var o = LeakyReluOptions()
            o.alpha = try f32(0)
            return .leakyRelu(o)
        case .argMax:
            var o = ArgMaxOptions()
            let raw = try i8(0, TensorType.int64.rawValue)
            guard let type = TensorType(rawValue: raw) else {
                throw ModelFormatError(.invalidValue, "ARG_MAX has unknown output type \(raw)")
            }
            o.outputType = type
            return .argMax(o)
        case .varHandle:
            var o = VarHandleOptions()
            o.container = try t?.string(0, "VAR_HANDLE container") ?? ""
            o.sharedName = try t?.string(1, "VAR_HANDLE shared_name") ?? ""
            return .varHandle(o)
        default:
            guard let layout = ScalarOptions.layout(for: code), let t else { return .none }
            var o = ScalarOptions()
            for (index, size) in layout.enumerated() where try t.fieldPosition(index, size: size) != nil {
                if size == 1 {
                    o.set(index, [try t.u8(index)])
                } else {
                    let v = try t.u32(index)
                    o.set(index, [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8),
                                  UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 24)])
                }
            }
            return .scalars(o)
        }
    }
}
