import TFLite

/// IF (TFLite's kernels/if.cc): runs the then or the else subgraph, chosen by the condition tensor.
///
/// Input 0 is the condition: bool, or a number that counts as true when nonzero, as in LiteRT; its first element
/// decides. Inputs 1… are copied into the chosen branch's inputs, the branch runs, and its outputs are copied into
/// the operator's outputs. Both branches are prepared once with static shapes, and must give outputs of the same
/// types and sizes.
final class IfOperator: PreparedOperator {
    private let thenGraph: PreparedGraph
    private let elseGraph: PreparedGraph
    private let conditionType: TensorType
    private let inputSlots: [Int]
    private let outputSlots: [Int]
    private let conditionSlot: Int
    private var condition: UnsafeRawPointer?
    private var thenIn: UnsafeMutableBufferPointer<SubgraphCopy> = .init(start: nil, count: 0)
    private var thenOut: UnsafeMutableBufferPointer<SubgraphCopy> = .init(start: nil, count: 0)
    private var elseIn: UnsafeMutableBufferPointer<SubgraphCopy> = .init(start: nil, count: 0)
    private var elseOut: UnsafeMutableBufferPointer<SubgraphCopy> = .init(start: nil, count: 0)
    let macs: Int

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let preparer = try ctx.requirePreparer()
        let thenIndex = try ControlFlowChecks.subgraphIndex(ctx, field: 0, name: "then")
        let elseIndex = try ControlFlowChecks.subgraphIndex(ctx, field: 1, name: "else")
        guard ctx.inputCount >= 1 else { throw ctx.invalid("needs a condition input") }
        let cond = try ctx.input(0)
        guard cond.type == .bool || [.int8, .uint8, .int16, .int32, .int64, .float32].contains(cond.type) else {
            throw ctx.unsupported("the condition is \(cond.type.name); it must be bool or a number")
        }
        guard cond.elementCount >= 1 else { throw ctx.invalid("the condition tensor \(cond.name) is empty") }
        thenGraph = try preparer.subgraph(thenIndex, for: ctx, role: "then")
        elseGraph = try preparer.subgraph(elseIndex, for: ctx, role: "else")
        let inputs = try (1..<ctx.inputCount).map { (i) throws(RuntimeError) in try ctx.input(i) }
        for (role, graph) in [("then", thenGraph), ("else", elseGraph)] {
            guard graph.inputs.count == inputs.count else {
                throw ctx.invalid("passes \(inputs.count) inputs but its \(role) subgraph \(graph.index) takes \(graph.inputs.count)")
            }
            guard graph.outputs.count == ctx.op.outputs.count else {
                throw ctx.invalid("has \(ctx.op.outputs.count) outputs but its \(role) subgraph \(graph.index) gives \(graph.outputs.count)")
            }
            for (i, t) in inputs.enumerated() {
                try ControlFlowChecks.requireSameLayout(ctx, outer: t, inner: graph.inputs[i], what: "input \(i + 1) (\(t.name)) of the \(role) subgraph")
            }
        }
        for j in ctx.op.outputs.indices {
            let a = thenGraph.outputs[j], b = elseGraph.outputs[j]
            guard a.type == b.type, ControlFlowChecks.sameShape(a.shape, b.shape) else {
                throw ctx.unsupported("output \(j) is \(a.type.name) \(a.shape) from the then subgraph but \(b.type.name) \(b.shape) from the else subgraph; the runtime needs static shapes")
            }
            let out = try ctx.output(j)
            guard out.type == a.type else { throw ctx.invalid("output \(j) (\(out.name)) is \(out.type.name), its branches give \(a.type.name)") }
            try ctx.setOutputShape(j, a.shape)
        }
        conditionType = cond.type
        conditionSlot = try ctx.inputIndex(0)
        inputSlots = try (1..<ctx.inputCount).map { (i) throws(RuntimeError) in try ctx.inputIndex(i) }
        outputSlots = ctx.op.outputs
        macs = max(thenGraph.macs, elseGraph.macs)
    }

    var workspaceBytes: Int { max(thenGraph.workspaceBytes, elseGraph.workspaceBytes) }

    deinit {
        for b in [thenIn, thenOut, elseIn, elseOut] { b.deallocate() }
    }

    func bind(_ memory: TensorMemory) {
        condition = UnsafeRawPointer(memory.address(conditionSlot))
        let ins = inputSlots.map { UnsafeRawPointer(memory.address($0)) }
        let outs = outputSlots.map { memory.address($0) }
        for (graph, isThen) in [(thenGraph, true), (elseGraph, false)] {
            let sizes = graph.inputs.map(GraphMemory.storageBytes)
            let copyIn = ControlFlowChecks.copies(from: ins, to: graph.inputPointers, sizes: sizes)
            let copyOut = ControlFlowChecks.copies(from: graph.outputPointers, to: outs, sizes: graph.outputs.map(GraphMemory.storageBytes))
            if isThen { thenIn = copyIn; thenOut = copyOut } else { elseIn = copyIn; elseOut = copyOut }
        }
    }

    func eval(_ pool: WorkerPool?) {
        let taken = ConditionValue.isTrue(condition!, type: conditionType)
        let graph = taken ? thenGraph : elseGraph
        SubgraphCopy.perform(UnsafeBufferPointer(taken ? thenIn : elseIn))
        graph.run(pool)
        SubgraphCopy.perform(UnsafeBufferPointer(taken ? thenOut : elseOut))
    }
}
