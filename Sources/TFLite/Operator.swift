/// One operator node: which op it runs, its tensors and its parsed builtin options.
public struct Operator: Sendable {
    /// The builtin op (resolved through the model's operator codes).
    public var opcode: BuiltinOperator
    /// The operator code's version field: op semantics may differ between versions.
    public var version: Int
    /// Custom op name when `opcode` is `.custom`.
    public var customName: String?
    /// Tensor indices; −1 marks an absent optional input.
    public var inputs: [Int]
    public var outputs: [Int]
    public var options: BuiltinOptions
    /// The schema's BuiltinOptions union tag as read from the file (0 when absent or built in code).
    public var builtinOptionsType: UInt8
    /// Tensor indices of the operator's `intermediates` (schema field 8): tensors that carry quantisation
    /// parameters for values inside the op, never data. The integer LSTM reads its hidden-state scale here.
    public var intermediates: [Int]

    public init(opcode: BuiltinOperator, version: Int = 1, customName: String? = nil, inputs: [Int], outputs: [Int],
                options: BuiltinOptions = .none, builtinOptionsType: UInt8 = 0, intermediates: [Int] = []) {
        self.opcode = opcode
        self.version = version
        self.customName = customName
        self.inputs = inputs
        self.outputs = outputs
        self.options = options
        self.builtinOptionsType = builtinOptionsType
        self.intermediates = intermediates
    }

    /// The op's name as users know it (`CONV_2D`, or the custom name).
    public var name: String {
        if opcode == .custom, let customName { return "CUSTOM(\(customName))" }
        return opcode.name
    }
}
