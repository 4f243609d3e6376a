import TFLite

/// ASSIGN_VARIABLE (TFLite Micro's kernels/assign_variable.cc): stores its value input into a resource variable.
///
/// The first assignment prepared fixes the variable's type and shape and so its storage, reserved at prepare;
/// a later assignment of another type or size is refused at prepare.
final class AssignVariableOperator: PreparedOperator {
    private let variables: ResourceVariables
    private let id: Int
    private let valueSlot: Int
    private let byteCount: Int
    private var value: UnsafeRawPointer?
    private var destination: UnsafeMutableRawPointer?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let preparer = try ctx.requirePreparer()
        let id = try VariableOperands.resourceID(ctx)
        let value = try ctx.input(1)
        let variables = preparer.variables
        if let problem = variables.declare(id, type: value.type, shape: value.shape) { throw ctx.invalid(problem) }
        variables.markAssigned(id)
        self.variables = variables
        self.id = id
        self.valueSlot = try ctx.inputIndex(1)
        self.byteCount = value.byteCount
    }

    /// Elements copied per invoke: these operators do no multiply-accumulates, but a model made of them and
    /// quantised arithmetic must still report a nonzero cost (as SumOperator does).
    var macs: Int { variables.variables[id].shape.reduce(1, *) }

    func bind(_ memory: TensorMemory) {
        value = UnsafeRawPointer(memory.address(valueSlot))
        destination = variables.address(id)
    }

    func eval(_ pool: WorkerPool?) {
        destination!.copyMemory(from: value!, byteCount: byteCount)
        variables.assigned[id] = true
    }
}
