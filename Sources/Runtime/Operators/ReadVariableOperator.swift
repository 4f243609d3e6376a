import TFLite

/// READ_VARIABLE (TFLite Micro's kernels/read_variable.cc): copies a resource variable's value into its output.
///
/// Reading a variable that no ASSIGN_VARIABLE in the model assigns fails at prepare. Reading one that has not been
/// assigned yet in this state (an assignment the run has not reached) gives zeros and is reported by
/// ``Interpreter/checkedInvoke()`` as an error; it never returns stale or foreign bytes.
final class ReadVariableOperator: PreparedOperator {
    private let variables: ResourceVariables
    private let id: Int
    private let outputSlot: Int
    private let byteCount: Int
    private var source: UnsafeRawPointer?
    private var output: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let preparer = try ctx.requirePreparer()
        let id = try VariableOperands.resourceID(ctx)
        let out = try ctx.output(0)
        let variables = preparer.variables
        variables.markRead(id)
        if let type = variables.variables[id].type {
            guard type == out.type else {
                throw ctx.invalid("reads variable \(variables.name(id)) of type \(type.name) into a \(out.type.name) tensor")
            }
            try ctx.setOutputShape(0, variables.variables[id].shape)
        } else {
            // Not assigned by anything prepared so far (an assignment later in the model): the output's declared
            // type and shape become the variable's, and any assignment must agree.
            if let problem = variables.declare(id, type: out.type, shape: out.shape) { throw ctx.invalid(problem) }
        }
        self.variables = variables
        self.id = id
        self.outputSlot = try ctx.outputIndex(0)
        self.byteCount = variables.variables[id].byteCount
    }

    /// Elements copied per invoke: these operators do no multiply-accumulates, but a model made of them and
    /// quantised arithmetic must still report a nonzero cost (as SumOperator does).
    var macs: Int { variables.variables[id].shape.reduce(1, *) }

    func bind(_ memory: TensorMemory) {
        source = UnsafeRawPointer(variables.address(id))
        output = memory.address(outputSlot)
    }

    func eval(_ pool: WorkerPool?) {
        if variables.assigned[id] {
            output!.copyMemory(from: source!, byteCount: byteCount)
        } else {
            output!.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
            if variables.unassignedRead < 0 { variables.unassignedRead = id }
        }
    }
}
