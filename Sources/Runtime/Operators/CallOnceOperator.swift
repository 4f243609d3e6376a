import TFLite

/// CALL_ONCE (TFLite Micro's kernels/call_once.cc): runs its init subgraph on the first invoke only — the converter
/// puts the initial assignments of resource variables there.
///
/// The flag re-arms when the interpreter's state is reset (``Interpreter/resetState()``), with the variables.
final class CallOnceOperator: PreparedOperator {
    private let initGraph: PreparedGraph
    private(set) var hasRun = false

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let preparer = try ctx.requirePreparer()
        let index = try ControlFlowChecks.subgraphIndex(ctx, field: 0, name: "init")
        guard ctx.inputCount == 0, ctx.op.outputs.isEmpty else {
            throw ctx.invalid("takes no inputs and gives no outputs, has \(ctx.inputCount) and \(ctx.op.outputs.count)")
        }
        initGraph = try preparer.subgraph(index, for: ctx, role: "init")
        guard initGraph.inputs.isEmpty, initGraph.outputs.isEmpty else {
            throw ctx.invalid("its init subgraph \(index) must take no inputs and give no outputs")
        }
        preparer.callOnceOperators.append(self)
    }

    var workspaceBytes: Int { initGraph.workspaceBytes }

    func bind(_ memory: TensorMemory) {}

    func eval(_ pool: WorkerPool?) {
        guard !hasRun else { return }
        hasRun = true
        initGraph.run(pool)
    }

    /// Makes the next invoke run the init subgraph again.
    func reset() { hasRun = false }
}
