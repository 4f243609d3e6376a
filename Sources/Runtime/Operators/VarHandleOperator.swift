import TFLite

/// VAR_HANDLE (TFLite Micro's kernels/var_handle.cc): yields the resource id of the variable named by its
/// (container, shared_name), creating the id on first sight.
///
/// The id is fixed at prepare and recorded for the graph, so READ_VARIABLE and ASSIGN_VARIABLE bind to the
/// variable's storage directly; eval still writes the int32 id into the output, as TFLite does, for any consumer.
final class VarHandleOperator: PreparedOperator {
    private let id: Int32
    private let outputSlot: Int
    private var output: UnsafeMutablePointer<Int32>?

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let preparer = try ctx.requirePreparer()
        guard case .varHandle(let options) = ctx.op.options else { throw ctx.invalid("has no VarHandleOptions") }
        let out = try ctx.output(0)
        guard out.type == .resource || out.type == .int32 else {
            throw ctx.invalid("its output \(out.name) is \(out.type.name); a resource handle is resource (or int32)")
        }
        let id = try preparer.variables.id(container: options.container, sharedName: options.sharedName)
        outputSlot = try ctx.outputIndex(0)
        ctx.shapes.resourceIDs[outputSlot] = id
        try ctx.setOutputShape(0, [])
        self.id = Int32(id)
    }

    func bind(_ memory: TensorMemory) {
        output = memory.address(outputSlot).assumingMemoryBound(to: Int32.self)
    }

    func eval(_ pool: WorkerPool?) {
        output!.pointee = id
    }
}
