/// The builtin options of operators whose option tables hold only scalars (STRIDED_SLICE's masks, PACK's axis,
/// CAST's types, …), kept as the raw little-endian field values the file stores, keyed by field number.
///
/// One generic form instead of a struct per table: the reader knows each table's field sizes
/// (`ScalarOptions.layout(for:)`), operators read the fields they need by number with the schema default, and the
/// writer puts the same fields back, so a model round-trips without losing them.
public struct ScalarOptions: Sendable, Equatable {
    /// One field as stored: its number in the table and its little-endian bytes (1 or 4).
    public struct Field: Sendable, Equatable {
        public var index: Int
        public var bytes: [UInt8]
    }

    /// The fields present in the file, in field order.
    public private(set) var fields: [Field] = []

    /// Options from field number → little-endian bytes.
    public init(fields: [Int: [UInt8]] = [:]) {
        for index in fields.keys.sorted() { self.fields.append(Field(index: index, bytes: fields[index]!)) }
    }

    /// Sets field `index`, keeping the fields in order.
    public mutating func set(_ index: Int, _ bytes: [UInt8]) {
        fields.removeAll { $0.index == index }
        fields.insert(Field(index: index, bytes: bytes), at: fields.firstIndex { $0.index > index } ?? fields.count)
    }

    /// The bytes of field `index`, or nil when absent.
    public func bytes(_ index: Int) -> [UInt8]? {
        fields.first { $0.index == index }?.bytes
    }

    /// An int32 field, or `value` when absent.
    public func int(_ index: Int, default value: Int = 0) -> Int {
        guard let b = bytes(index), b.count == 4 else { return value }
        return Int(Int32(bitPattern: UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24))
    }

    /// A byte-sized field (bool, enum, int8), or `value` when absent.
    public func int8(_ index: Int, default value: Int8 = 0) -> Int8 {
        guard let b = bytes(index), b.count == 1 else { return value }
        return Int8(bitPattern: b[0])
    }

    /// A bool field (false when absent, the schema's default for every bool the runtime reads).
    public func bool(_ index: Int) -> Bool { int8(index) != 0 }

    /// A float32 field, or `value` when absent.
    public func float(_ index: Int, default value: Float = 0) -> Float {
        guard let b = bytes(index), b.count == 4 else { return value }
        return Float(bitPattern: UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24)
    }

    /// Sizes in bytes of the scalar fields of the option table an op carries (schema.fbs), in field order;
    /// nil for ops read elsewhere or carrying no table.
    public static func layout(for code: BuiltinOperator) -> [Int]? {
        switch code {
        // StridedSliceOptions: begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask, offset.
        case .stridedSlice: [4, 4, 4, 4, 4, 1]
        // PackOptions / UnpackOptions: values_count (num), axis.
        case .pack, .unpack: [4, 4]
        // GatherOptions: axis, batch_dims.
        case .gather: [4, 4]
        // SplitOptions / SplitVOptions: num_splits; DepthToSpace / SpaceToDepth: block_size.
        case .split, .splitV, .depthToSpace, .spaceToDepth: [4]
        // CastOptions: in_data_type, out_data_type (TensorType bytes).
        case .cast: [1, 1]
        // MirrorPadOptions: mode (0 REFLECT, 1 SYMMETRIC).
        case .mirrorPad: [1]
        // TransposeConvOptions: padding, stride_w, stride_h, fused_activation_function, quantized_bias_type.
        case .transposeConv: [1, 4, 4, 1, 1]
        // BatchMatMulOptions: adj_x, adj_y, asymmetric_quantize_inputs.
        case .batchMatmul: [1, 1, 1]
        // ResizeNearestNeighborOptions: align_corners, half_pixel_centers.
        case .resizeNearestNeighbor: [1, 1]
        // UnidirectionalSequenceLSTMOptions: fused_activation_function, cell_clip, proj_clip, time_major,
        // asymmetric_quantize_inputs, diagonal_recurrent_tensors.
        case .unidirectionalSequenceLstm: [1, 4, 4, 1, 1, 1]
        // L2NormOptions: fused_activation_function.
        case .l2Normalization: [1]
        // GeluOptions: approximate.
        case .gelu: [1]
        // ShapeOptions: out_type.
        case .shape: [1]
        // ArgMinOptions: output_type.
        case .argMin: [1]
        // CumsumOptions: exclusive, reverse.
        case .cumsum: [1, 1]
        // SVDFOptions: rank, fused_activation_function, asymmetric_quantize_inputs.
        case .svdf: [4, 1, 1]
        // IfOptions: then_subgraph_index, else_subgraph_index; WhileOptions: cond_subgraph_index, body_subgraph_index.
        case .if, .while: [4, 4]
        // CallOnceOptions: init_subgraph_index.
        case .callOnce: [4]
        // ReadVariableOptions and AssignVariableOptions: empty tables.
        case .readVariable, .assignVariable: []
        default: nil
        }
    }
}

extension BuiltinOperator {
    /// BROADCAST_TO (schema 130).
    public static let broadcastTo = BuiltinOperator(rawValue: 130)
    /// GELU (schema 150).
    public static let gelu = BuiltinOperator(rawValue: 150)
}

extension ScalarOptions {
    /// The schema's BuiltinOptions union tag of the table `layout(for:)` describes (0 for none).
    public static func unionType(for code: BuiltinOperator) -> UInt8 {
        switch code {
        case .stridedSlice: 32
        case .pack: 59
        case .unpack: 64
        case .gather: 23
        case .split: 35
        case .splitV: 79
        case .depthToSpace: 94
        case .spaceToDepth: 19
        case .cast: 37
        case .mirrorPad: 77
        case .transposeConv: 49
        case .batchMatmul: 101
        case .resizeNearestNeighbor: 74
        case .unidirectionalSequenceLstm: 71
        case .l2Normalization: 12
        case .gelu: 116
        case .shape: 55
        case .argMin: 57
        case .cumsum: 102
        case .svdf: 6
        case .if: 92
        case .while: 93
        case .callOnce: 103
        case .readVariable: 112
        case .assignVariable: 113
        default: 0
        }
    }
}
