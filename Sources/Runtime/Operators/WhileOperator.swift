import TFLite

/// WHILE (TFLite Micro's kernels/while.cc): runs the body subgraph as long as the condition subgraph says so.
///
/// The operator's outputs hold the loop-carried values: they start as copies of its inputs; each round copies
/// them into the condition subgraph (one bool output decides) and, while it is true, into the body, whose outputs
/// become the next values. Shapes are static: a body that would change a loop value's type or size is refused at
/// prepare. A loop whose condition never turns false runs forever, as in LiteRT: bounding it is the model's job.
/// An interpreter made with `whileIterationLimit` stops such a loop after that many body runs instead (the outputs
/// then hold the last values) and ``Interpreter/checkedInvoke()`` reports it — for running untrusted files.
final class WhileOperator: PreparedOperator {
    private let condGraph: PreparedGraph
    private let bodyGraph: PreparedGraph
    private let inputSlots: [Int]
    private let outputSlots: [Int]
    private let sizes: [Int]
    private var initial: UnsafeMutableBufferPointer<SubgraphCopy> = .init(start: nil, count: 0)
    private var intoCond: UnsafeMutableBufferPointer<SubgraphCopy> = .init(start: nil, count: 0)
    private var intoBody: UnsafeMutableBufferPointer<SubgraphCopy> = .init(start: nil, count: 0)
    private var outOfBody: UnsafeMutableBufferPointer<SubgraphCopy> = .init(start: nil, count: 0)
    private var condition: UnsafeRawPointer?
    /// Body runs allowed per eval (Int.max: unbounded, LiteRT's behaviour).
    private let iterationLimit: Int
    /// Set when an eval stopped at `iterationLimit`; cleared by whoever reports it.
    var limitReached = false
    let step: Int
    let macs: Int

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let preparer = try ctx.requirePreparer()
        let condIndex = try ControlFlowChecks.subgraphIndex(ctx, field: 0, name: "condition")
        let bodyIndex = try ControlFlowChecks.subgraphIndex(ctx, field: 1, name: "body")
        let n = ctx.inputCount
        guard ctx.op.outputs.count == n else {
            throw ctx.invalid("has \(n) inputs but \(ctx.op.outputs.count) outputs; every loop value is both")
        }
        condGraph = try preparer.subgraph(condIndex, for: ctx, role: "condition")
        bodyGraph = try preparer.subgraph(bodyIndex, for: ctx, role: "body")
        guard condGraph.inputs.count == n else {
            throw ctx.invalid("carries \(n) loop values but its condition subgraph \(condIndex) takes \(condGraph.inputs.count)")
        }
        guard condGraph.outputs.count == 1, condGraph.outputs[0].type == .bool, condGraph.outputs[0].elementCount == 1 else {
            throw ctx.invalid("its condition subgraph \(condIndex) must give one bool scalar, gives \(condGraph.outputs.map { "\($0.type.name) \($0.shape)" })")
        }
        guard bodyGraph.inputs.count == n, bodyGraph.outputs.count == n else {
            throw ctx.invalid("carries \(n) loop values but its body subgraph \(bodyIndex) takes \(bodyGraph.inputs.count) and gives \(bodyGraph.outputs.count)")
        }
        var sizes: [Int] = []
        for i in 0..<n {
            let t = try ctx.input(i)
            try ControlFlowChecks.requireSameLayout(ctx, outer: t, inner: condGraph.inputs[i], what: "loop value \(i) (\(t.name)) of the condition subgraph")
            try ControlFlowChecks.requireSameLayout(ctx, outer: t, inner: bodyGraph.inputs[i], what: "loop value \(i) (\(t.name)) of the body subgraph")
            let produced = bodyGraph.outputs[i]
            guard produced.type == t.type, ControlFlowChecks.sameShape(produced.shape, t.shape) else {
                throw ctx.unsupported("the body changes loop value \(i) (\(t.name)) from \(t.type.name) \(t.shape) to \(produced.type.name) \(produced.shape); the runtime needs static shapes")
            }
            let out = try ctx.output(i)
            guard out.type == t.type else { throw ctx.invalid("output \(i) (\(out.name)) is \(out.type.name), loop value \(i) is \(t.type.name)") }
            try ctx.setOutputShape(i, t.shape)
            sizes.append(GraphMemory.storageBytes(t))
        }
        self.sizes = sizes
        inputSlots = try (0..<n).map { (i) throws(RuntimeError) in try ctx.inputIndex(i) }
        outputSlots = ctx.op.outputs
        macs = condGraph.macs + bodyGraph.macs
        iterationLimit = preparer.whileIterationLimit ?? Int.max
        step = ctx.step
        preparer.whileOperators.append(self)
    }

    /// The limit, for messages.
    var iterationLimitDescription: String { String(iterationLimit) }

    var workspaceBytes: Int { max(condGraph.workspaceBytes, bodyGraph.workspaceBytes) }

    deinit {
        for b in [initial, intoCond, intoBody, outOfBody] { b.deallocate() }
    }

    func bind(_ memory: TensorMemory) {
        let ins = inputSlots.map { UnsafeRawPointer(memory.address($0)) }
        let outs = outputSlots.map { memory.address($0) }
        initial = ControlFlowChecks.copies(from: ins, to: outs, sizes: sizes)
        intoCond = ControlFlowChecks.copies(from: outs.map { UnsafeRawPointer($0) }, to: condGraph.inputPointers, sizes: sizes)
        intoBody = ControlFlowChecks.copies(from: outs.map { UnsafeRawPointer($0) }, to: bodyGraph.inputPointers, sizes: sizes)
        outOfBody = ControlFlowChecks.copies(from: bodyGraph.outputPointers, to: outs, sizes: sizes)
        condition = condGraph.outputPointers[0]
    }

    func eval(_ pool: WorkerPool?) {
        SubgraphCopy.perform(UnsafeBufferPointer(initial))
        var iterations = 0
        while true {
            SubgraphCopy.perform(UnsafeBufferPointer(intoCond))
            condGraph.run(pool)
            guard condition!.load(as: UInt8.self) != 0 else { return }
            guard iterations < iterationLimit else { limitReached = true; return }
            iterations &+= 1
            SubgraphCopy.perform(UnsafeBufferPointer(intoBody))
            bodyGraph.run(pool)
            SubgraphCopy.perform(UnsafeBufferPointer(outOfBody))
        }
    }
}
