// Field numbers follow tflite/converter/schema/schema.fbs, as in Model+Reading.swift.

extension Model {
    /// Builds a model from its parts: serialises them to a `.tflite` flatbuffer and parses that back.
    ///
    /// `buffers[i]` is the data of buffer i (buffer 0 must be empty, the schema's sentinel); tensors refer to
    /// buffers by index. The result reads back through the same validating reader as any file.
    public init(description: String = "", subgraphs: [Subgraph], buffers: [[UInt8]]) throws(ModelFormatError) {
        let bytes = Self.serialize(description: description, subgraphs: subgraphs, buffers: buffers)
        try self.init(bytes: bytes)
    }

    /// The model as a `.tflite` flatbuffer (identifier TFL3, schema version 3, 16-byte-aligned buffers).
    public func serialized() -> [UInt8] {
        Self.serialize(description: description, subgraphs: subgraphs,
                       buffers: buffers.map { Array(bytes[$0.range]) })
    }

    /// The BuiltinOptions union tag for a set of options on an op (schema.fbs `union BuiltinOptions`).
    public static func builtinOptionsType(_ options: BuiltinOptions, opcode: BuiltinOperator) -> UInt8 {
        switch options {
        case .none: 0
        case .conv2D: 1
        case .depthwiseConv2D: 2
        case .pool2D: 5
        case .fullyConnected: 8
        case .softmax: 9
        case .concatenation: 10
        case .arithmetic:
            switch opcode {
            case .mul: 21
            case .sub: 28
            case .div: 29
            default: 11
            }
        case .resizeBilinear: 15
        case .reshape: 17
        case .reducer: 27
        case .squeeze: 30
        case .argMax: 40
        case .leakyRelu: 75
        case .varHandle: 111
        case .scalars: ScalarOptions.unionType(for: opcode)
        }
    }

    static func serialize(description: String, subgraphs: [Subgraph], buffers: [[UInt8]]) -> [UInt8] {
        typealias W = FlatBufferWriter
        // Operator codes: one per distinct (op, version, custom name), in order of first use.
        struct CodeKey: Hashable { var code: Int32; var version: Int; var custom: String? }
        var codes: [CodeKey] = []
        for graph in subgraphs {
            for op in graph.operators {
                let key = CodeKey(code: op.opcode.rawValue, version: op.version, custom: op.customName)
                if !codes.contains(key) { codes.append(key) }
            }
        }
        var writer = W()
        writer.bytes = [0, 0, 0, 0, 0x54, 0x46, 0x4C, 0x33]

        func vector<T: FixedWidthInteger>(_ index: Int, _ values: [T]) -> W.Field {
            .offset(index: index) { w in w.writeVector(W.vectorBytes(values), count: values.count, alignment: MemoryLayout<T>.size) }
        }
        func string(_ index: Int, _ s: String) -> W.Field {
            .offset(index: index) { w in w.writeString(s) }
        }
        func options(_ op: Operator) -> [W.Field] {
            func act(_ a: ActivationFunction) -> [UInt8] { [UInt8(bitPattern: a.rawValue)] }
            switch op.options {
            case .none: return []
            case .conv2D(let o):
                return [.scalar(index: 0, bytes: [UInt8(bitPattern: o.padding.rawValue)]),
                        .scalar(index: 1, bytes: W.le(Int32(o.strideWidth))), .scalar(index: 2, bytes: W.le(Int32(o.strideHeight))),
                        .scalar(index: 3, bytes: act(o.activation)),
                        .scalar(index: 4, bytes: W.le(Int32(o.dilationWidth))), .scalar(index: 5, bytes: W.le(Int32(o.dilationHeight)))]
            case .depthwiseConv2D(let o):
                return [.scalar(index: 0, bytes: [UInt8(bitPattern: o.padding.rawValue)]),
                        .scalar(index: 1, bytes: W.le(Int32(o.strideWidth))), .scalar(index: 2, bytes: W.le(Int32(o.strideHeight))),
                        .scalar(index: 3, bytes: W.le(Int32(o.depthMultiplier))), .scalar(index: 4, bytes: act(o.activation)),
                        .scalar(index: 5, bytes: W.le(Int32(o.dilationWidth))), .scalar(index: 6, bytes: W.le(Int32(o.dilationHeight)))]
            case .pool2D(let o):
                return [.scalar(index: 0, bytes: [UInt8(bitPattern: o.padding.rawValue)]),
                        .scalar(index: 1, bytes: W.le(Int32(o.strideWidth))), .scalar(index: 2, bytes: W.le(Int32(o.strideHeight))),
                        .scalar(index: 3, bytes: W.le(Int32(o.filterWidth))), .scalar(index: 4, bytes: W.le(Int32(o.filterHeight))),
                        .scalar(index: 5, bytes: act(o.activation))]
            case .fullyConnected(let o):
                return [.scalar(index: 0, bytes: act(o.activation)), .scalar(index: 1, bytes: [UInt8(bitPattern: o.weightsFormat)]),
                        .scalar(index: 2, bytes: [o.keepNumDims ? 1 : 0])]
            case .softmax(let o):
                return [.scalar(index: 0, bytes: W.le(o.beta))]
            case .concatenation(let o):
                return [.scalar(index: 0, bytes: W.le(Int32(o.axis))), .scalar(index: 1, bytes: act(o.activation))]
            case .arithmetic(let o):
                return [.scalar(index: 0, bytes: act(o.activation))]
            case .reshape(let o):
                return o.newShape.map { [vector(0, $0.map { Int32($0) })] } ?? []
            case .resizeBilinear(let o):
                return [.scalar(index: 2, bytes: [o.alignCorners ? 1 : 0]), .scalar(index: 3, bytes: [o.halfPixelCenters ? 1 : 0])]
            case .reducer(let o):
                return [.scalar(index: 0, bytes: [o.keepDims ? 1 : 0])]
            case .squeeze(let o):
                return [vector(0, o.squeezeDims.map { Int32($0) })]
            case .leakyRelu(let o):
                return [.scalar(index: 0, bytes: W.le(o.alpha))]
            case .argMax(let o):
                return [.scalar(index: 0, bytes: [UInt8(bitPattern: o.outputType.rawValue)])]
            case .varHandle(let o):
                return [string(0, o.container), string(1, o.sharedName)]
            case .scalars(let o):
                return o.fields.map { .scalar(index: $0.index, bytes: $0.bytes) }
            }
        }
        func tensorFields(_ t: Tensor) -> [W.Field] {
            var fields: [W.Field] = [
                vector(0, t.shape.map { Int32($0) }),
                .scalar(index: 1, bytes: [UInt8(bitPattern: t.type.rawValue)]),
                .scalar(index: 2, bytes: W.le(UInt32(t.buffer))),
                string(3, t.name),
            ]
            if let q = t.quantization {
                var qFields: [W.Field] = [vector(2, q.scales.map(\.bitPattern)), vector(3, q.zeroPoints)]
                if !q.min.isEmpty { qFields.append(vector(0, q.min.map(\.bitPattern))) }
                if !q.max.isEmpty { qFields.append(vector(1, q.max.map(\.bitPattern))) }
                if q.quantizedDimension != 0 { qFields.append(.scalar(index: 6, bytes: W.le(Int32(q.quantizedDimension)))) }
                fields.append(.offset(index: 4) { w in w.writeTable(qFields) })
            }
            if t.isVariable { fields.append(.scalar(index: 5, bytes: [1])) }
            return fields
        }
        func operatorFields(_ op: Operator) -> [W.Field] {
            let key = CodeKey(code: op.opcode.rawValue, version: op.version, custom: op.customName)
            var fields: [W.Field] = [
                .scalar(index: 0, bytes: W.le(UInt32(codes.firstIndex(of: key)!))),
                vector(1, op.inputs.map { Int32($0) }),
                vector(2, op.outputs.map { Int32($0) }),
            ]
            if !op.intermediates.isEmpty { fields.append(vector(8, op.intermediates.map { Int32($0) })) }
            let optionFields = options(op)
            var type = op.builtinOptionsType != 0 ? op.builtinOptionsType : builtinOptionsType(op.options, opcode: op.opcode)
            // A RESHAPE without new_shape carries no options table (the shape comes from its second input).
            if case .reshape(let o) = op.options, o.newShape == nil, op.builtinOptionsType == 0 { type = 0 }
            if type != 0 {
                fields.append(.scalar(index: 3, bytes: [type]))
                fields.append(.offset(index: 4) { w in w.writeTable(optionFields) })
            }
            return fields
        }
        let root: [W.Field] = [
            .scalar(index: 0, bytes: W.le(UInt32(3))),
            .offset(index: 1) { w in
                w.writeTableVector(codes.map { key in
                    var f: [W.Field] = [
                        // Codes above 127 live only in builtin_code; the deprecated byte then says PLACEHOLDER (127).
                        .scalar(index: 0, bytes: [UInt8(min(key.code, 127))]),
                        .scalar(index: 2, bytes: W.le(Int32(key.version))),
                        .scalar(index: 3, bytes: W.le(key.code)),
                    ]
                    if let custom = key.custom { f.append(string(1, custom)) }
                    return f
                })
            },
            .offset(index: 2) { w in
                w.writeTableVector(subgraphs.map { g in
                    [
                        .offset(index: 0) { w in w.writeTableVector(g.tensors.map(tensorFields)) },
                        vector(1, g.inputs.map { Int32($0) }),
                        vector(2, g.outputs.map { Int32($0) }),
                        .offset(index: 3) { w in w.writeTableVector(g.operators.map(operatorFields)) },
                        string(4, g.name),
                    ]
                })
            },
            string(3, description),
            .offset(index: 4) { w in
                w.writeTableVector(buffers.map { data in
                    data.isEmpty ? [] : [.offset(index: 0) { w in w.writeVector(data, count: data.count, alignment: 16) }]
                })
            },
        ]
        let rootPosition = writer.writeTable(root)
        writer.patch32(at: 0, UInt32(rootPosition))
        return writer.bytes
    }
}
