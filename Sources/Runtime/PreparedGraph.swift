import TFLite

/// A subgraph other than the main one, prepared for the control-flow operators that run it (IF's branches,
/// WHILE's condition and body, CALL_ONCE's init graph).
///
/// Prepared once per interpreter, with its own operators and its own planned arena; callers copy their inputs into
/// `inputPointers`, call `run`, and copy results out of `outputPointers`. A subgraph never runs while it is already
/// running (the preparer refuses recursion), so one arena serves every call site. Owned by the interpreter;
/// pointers valid for its lifetime; run on the interpreter's thread only.
final class PreparedGraph {
    let index: Int
    let name: String
    let operators: [any PreparedOperator]
    let memory: GraphMemory
    /// Input and output tensors with their inferred shapes, in the subgraph's order.
    let inputs: [Tensor]
    let outputs: [Tensor]
    let inputPointers: [UnsafeMutableRawPointer]
    let outputPointers: [UnsafeRawPointer]
    let macs: Int
    let workspaceBytes: Int

    init(index: Int, preparer: GraphPreparer) throws(RuntimeError) {
        let model = preparer.model
        var graph = model.subgraphs[index]
        try GraphMemory.validateConstants(model: model, graph: graph)
        let shapes = ShapeTable(graph.tensors.map { $0.shape })
        let prepared = try preparer.prepareOperators(of: graph, shapes: shapes)
        for i in graph.tensors.indices { graph.tensors[i].shape = shapes.shapes[i] }
        let memory = try GraphMemory(model: model, graph: graph, prepared: prepared, planner: preparer.planner,
                                     arenaLimit: Interpreter.maximumArenaBytes - preparer.subgraphArenaBytes)
        preparer.subgraphArenaBytes += memory.arenaBytes
        // Every input and output has memory: inputs and outputs are always planned (or constant).
        var inputPointers: [UnsafeMutableRawPointer] = []
        for i in graph.inputs {
            guard let p = memory.pointers[i] else {
                throw RuntimeError(.invalidModel, "subgraph \(index) (\(graph.name)): input \(graph.tensors[i].name) has no memory")
            }
            inputPointers.append(p)
        }
        var outputPointers: [UnsafeRawPointer] = []
        for i in graph.outputs {
            guard let p = memory.pointers[i] else {
                throw RuntimeError(.invalidModel, "subgraph \(index) (\(graph.name)): output \(graph.tensors[i].name) has no memory")
            }
            outputPointers.append(UnsafeRawPointer(p))
        }
        self.index = index
        self.name = graph.name
        self.operators = prepared
        self.memory = memory
        self.inputs = graph.inputs.map { graph.tensors[$0] }
        self.outputs = graph.outputs.map { graph.tensors[$0] }
        self.inputPointers = inputPointers
        self.outputPointers = outputPointers
        self.macs = prepared.reduce(0) { $0 + $1.macs }
        self.workspaceBytes = prepared.map(\.workspaceBytes).max() ?? 0
    }

    /// Binds the operators to their memory; once, after the interpreter has sized the shared workspace.
    func bind(workspace: UnsafeMutableRawPointer) {
        memory.bind(operators, workspace: workspace)
    }

    /// Runs every operator once. Allocates nothing.
    @inline(__always)
    func run(_ pool: WorkerPool?) {
        for op in operators { op.eval(pool) }
    }
}
