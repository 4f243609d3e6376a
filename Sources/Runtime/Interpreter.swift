import Kernels
import TFLite

/// Runs a `.tflite` model's main graph with fixed-point kernels bit-exact with TFLite's reference kernels.
///
/// `init` prepares everything once: operator parameters, packed weights, and a static memory plan placing every
/// activation and scratch buffer in one arena. `invoke` then performs no heap allocation.
///
/// Control flow: every subgraph that IF, WHILE or CALL_ONCE reaches from the main graph is prepared once too, with
/// its own operators and arena, and run by those operators in place (shapes are static: a subgraph whose outputs
/// would change shape is refused at prepare; a subgraph that calls itself is refused). Resource variables
/// (VAR_HANDLE, ASSIGN_VARIABLE, READ_VARIABLE) keep their values across invokes of one interpreter, in storage
/// reserved at prepare; `resetState()` (or a new interpreter) forgets them.
///
/// An interpreter is not thread-safe: use it from one thread (or actor) at a time. Pointers into its arena
/// (from `inputBuffer`/`withOutput`) are valid only while the interpreter lives and only between invokes.
public final class Interpreter {
    /// The model being run.
    public let model: Model
    /// The graph inputs, in the subgraph's order.
    public let inputs: [TensorInfo]
    /// The graph outputs, in the subgraph's order.
    public let outputs: [TensorInfo]
    /// Bytes of the activation arenas (inputs, outputs, intermediates and scratch): the main graph's, plus one per
    /// subgraph that IF, WHILE or CALL_ONCE runs.
    public let arenaBytes: Int
    /// Bytes of the kernel workspace, outside the arena (packed activation panels of the GEMM kernels).
    public let workspaceBytes: Int
    /// Bytes of constant tensor data (weights, biases, shapes) in the model.
    public let weightsBytes: Int
    /// Multiply-accumulates per invoke.
    public let macs: Int
    /// Operator names in execution order.
    public let operatorNames: [String]
    /// The kernel path each operator runs, in execution order, for reports: the GEMM microkernel of convolutions
    /// and fully-connected layers (``Microkernel/rawValue``, for example `avx512-vnni`), the vector path of the
    /// elementwise operators; nil where an operator has only one implementation.
    public let operatorKernels: [String?]

    private let operators: [any PreparedOperator]
    /// The main graph's arena and constants.
    private let memory: GraphMemory
    /// The subgraphs control-flow operators run, each prepared once with its own arena (kept alive here).
    private let subgraphs: [PreparedGraph]
    /// Resource variables: state that persists across invokes, outside the arenas.
    let variables: ResourceVariables
    /// CALL_ONCE operators of every graph, re-armed by `resetState()`.
    let callOnceOperators: [CallOnceOperator]
    /// WHILE operators of every graph, whose iteration limit `checkedInvoke()` reports.
    let whileOperators: [WhileOperator]
    private let workspace: UnsafeMutableRawPointer
    private let pool: WorkerPool?
    private let inputPointers: [UnsafeMutableRawPointer]
    private let outputPointers: [UnsafeMutableRawPointer]
    private let tensorPointers: [UnsafeMutableRawPointer?]
    /// Every tensor's shape as inferred during prepare.
    private var graphShapes: [[Int]]
    /// Intermediate tensors kept intact until the end of `invoke` (``init(model:planner:threads:preserving:)``).
    public let preservedTensors: Set<Int>

    /// The largest activation arena the interpreter agrees to allocate (1 GiB): a corrupted shape fails cleanly.
    public static let maximumArenaBytes = 1 << 30

    /// Prepares `model` for inference.
    ///
    /// Throws `RuntimeError` with code `.unsupportedOperator` naming every operator the runtime lacks,
    /// or `.invalidModel` when shapes, types or constants contradict what an operator requires.
    ///
    /// `threads` above 1 starts that many minus one persistent worker threads, used by the convolutions to split
    /// their output; results are identical for any thread count.
    ///
    /// `preserving` lists intermediate tensors (indices in the main graph) to read after `invoke`, for example the
    /// penultimate activations a drift sketch projects. The planner treats them like outputs: they live until the
    /// last step, so later operators do not reuse their memory. The arena grows by at most their sizes; `invoke`
    /// still allocates nothing and computes the same bytes.
    ///
    /// `microkernel` forces the GEMM microkernel (an available one, ``Microkernel/available``; the default is
    /// ``Microkernel/selected``): every kernel gives the same bytes, so this exists for tests and benchmarks.
    ///
    /// `whileIterationLimit` bounds the body runs of each WHILE per invoke (default: unbounded, as in LiteRT, where a
    /// loop whose condition never turns false never ends); a loop stopped there is reported by ``checkedInvoke()``.
    /// For running untrusted models.
    public init(model: Model, planner: some MemoryPlanner = GreedyMemoryPlanner(), threads: Int = 1,
                preserving: [Int] = [], microkernel: Microkernel? = nil, whileIterationLimit: Int? = nil) throws(RuntimeError) {
        self.model = model
        let fileGraph = model.mainGraph
        self.graphShapes = []
        self.preservedTensors = Set(preserving)
        for index in preserving {
            guard fileGraph.tensors.indices.contains(index) else {
                throw RuntimeError(.invalidInput, "cannot preserve tensor \(index): the main graph has \(fileGraph.tensors.count) tensors")
            }
            guard model.data(of: fileGraph.tensors[index]).isEmpty else {
                throw RuntimeError(.invalidInput, "cannot preserve tensor \(index) (\(fileGraph.tensors[index].name)): it is a constant, not an activation")
            }
        }
        let unsupported = OperatorSupport.unsupportedOperators(in: model)
        guard unsupported.isEmpty else {
            throw RuntimeError(.unsupportedOperator, "unsupported operators: \(unsupported.joined(separator: ", "))")
        }
        guard !fileGraph.inputs.isEmpty, !fileGraph.outputs.isEmpty else {
            throw RuntimeError(.invalidModel, "the main graph declares no inputs or no outputs")
        }
        try GraphMemory.validateConstants(model: model, graph: fileGraph)

        // Prepare every operator in order: shapes inferred, parameters computed, weights packed, scratch sized.
        // Control-flow operators prepare the subgraphs they run on the way, each once (GraphPreparer).
        let preparer = GraphPreparer(model: model, planner: planner, threads: max(threads, 1), microkernel: microkernel,
                                     whileIterationLimit: whileIterationLimit)
        let shapes = ShapeTable(fileGraph.tensors.map { $0.shape })
        let prepared = try preparer.prepareOperators(of: fileGraph, shapes: shapes)
        let macs = prepared.reduce(0) { $0 + $1.macs }
        // Variables' storage is reserved now that every assignment has been seen.
        try preparer.variables.commit()

        var graph = fileGraph
        for i in graph.tensors.indices { graph.tensors[i].shape = shapes.shapes[i] }
        let memory = try GraphMemory(model: model, graph: graph, prepared: prepared, planner: planner, preserving: preserving,
                                     arenaLimit: Self.maximumArenaBytes - preparer.subgraphArenaBytes)
        let subgraphs = preparer.graphs.keys.sorted().map { preparer.graphs[$0]! }
        let subgraphArenas = preparer.subgraphArenaBytes
        let workspaceSize = prepared.map(\.workspaceBytes).max() ?? 0
        let workspace = UnsafeMutableRawPointer.allocate(byteCount: max(workspaceSize, 16), alignment: 64)
        self.memory = memory
        self.subgraphs = subgraphs
        self.variables = preparer.variables
        self.callOnceOperators = preparer.callOnceOperators
        self.whileOperators = preparer.whileOperators
        self.workspace = workspace
        if threads > 1 {
            let pool = WorkerPool(threadCount: threads)
            pool.start()
            self.pool = pool
        } else {
            self.pool = nil
        }
        let pointers = memory.pointers
        for subgraph in subgraphs { subgraph.bind(workspace: workspace) }
        memory.bind(prepared, workspace: workspace)

        self.operators = prepared
        self.arenaBytes = memory.arenaBytes + subgraphArenas
        self.workspaceBytes = workspaceSize
        self.weightsBytes = memory.weightsBytes + subgraphs.reduce(0) { $0 + $1.memory.weightsBytes }
        self.macs = macs
        self.operatorNames = graph.operators.map(\.name)
        self.operatorKernels = prepared.map(\.kernelPath)
        self.inputs = graph.inputs.map { TensorInfo(graph.tensors[$0]) }
        self.outputs = graph.outputs.map { TensorInfo(graph.tensors[$0]) }
        self.inputPointers = graph.inputs.map { pointers[$0]! }
        self.outputPointers = graph.outputs.map { pointers[$0]! }
        self.tensorPointers = pointers
        self.graphShapes = graph.tensors.map { $0.shape }
    }

    deinit {
        pool?.stop()
        workspace.deallocate()
    }

    /// Copies raw tensor bytes (the model's dtype and layout) into input `index`.
    public func setInput(_ index: Int, bytes: UnsafeRawBufferPointer) throws(RuntimeError) {
        guard index >= 0, index < inputs.count else {
            throw RuntimeError(.invalidInput, "the model has \(inputs.count) inputs; there is no input \(index)")
        }
        let expected = inputs[index].byteCount
        guard bytes.count == expected else {
            throw RuntimeError(.invalidInput, "input \(index) (\(inputs[index].name), \(inputs[index].type.name) \(inputs[index].shape)) needs \(expected) bytes, got \(bytes.count)")
        }
        if let base = bytes.baseAddress { inputPointers[index].copyMemory(from: base, byteCount: expected) }
    }

    /// Copies raw tensor bytes into input `index`.
    public func setInput(_ index: Int, _ bytes: [UInt8]) throws(RuntimeError) {
        let result: RuntimeError? = bytes.withUnsafeBytes { raw in
            do throws(RuntimeError) { try setInput(index, bytes: raw) } catch { return error }
            return nil
        }
        if let result { throw result }
    }

    /// The arena memory of input `index`, to fill in place before `invoke` (no copy).
    public func inputBuffer(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: inputPointers[index], count: inputs[index].byteCount)
    }

    /// Runs every operator once. Performs no heap allocation.
    public func invoke() {
        pool?.beginInvoke()
        for op in operators { op.eval(pool) }
    }

    /// Runs every operator once, reporting each operator's duration to `record` (step, seconds).
    public func invoke(profiling record: (Int, Duration) -> Void) {
        let clock = ContinuousClock()
        pool?.beginInvoke()
        for (step, op) in operators.enumerated() {
            let start = clock.now
            op.eval(pool)
            record(step, clock.now - start)
        }
    }

    /// Calls `body` with the bytes of output `index`; valid until the next `invoke`.
    public func withOutput<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: outputPointers[index], count: outputs[index].byteCount))
    }

    /// The index of the main graph's tensor called `name`, or nil.
    public func tensorIndex(named name: String) -> Int? {
        model.mainGraph.tensors.firstIndex { $0.name == name }
    }

    /// Name, inferred shape, type and quantisation of any tensor of the main graph, or nil for a bad index.
    public func tensorInfo(_ tensorIndex: Int) -> TensorInfo? {
        let graph = model.mainGraph
        guard graph.tensors.indices.contains(tensorIndex) else { return nil }
        var tensor = graph.tensors[tensorIndex]
        tensor.shape = graphShapes[tensorIndex]
        return TensorInfo(tensor)
    }

    /// The arena memory of a preserved tensor (or a graph output), read in place after `invoke`; no copy.
    ///
    /// Nil for any other tensor: its memory is reused during the run, so its bytes after `invoke` mean nothing.
    /// Valid until the next `invoke`.
    public func preservedBuffer(_ tensorIndex: Int) -> UnsafeRawBufferPointer? {
        let graph = model.mainGraph
        guard preservedTensors.contains(tensorIndex) || graph.outputs.contains(tensorIndex),
              graph.tensors.indices.contains(tensorIndex), let p = tensorPointers[tensorIndex] else { return nil }
        return UnsafeRawBufferPointer(start: p, count: graphShapes[tensorIndex].reduce(1, *) * graph.tensors[tensorIndex].type.byteWidth)
    }

    /// A copy of any tensor's current bytes, or nil for tensors without memory.
    ///
    /// With the default planner intermediates are overwritten as the arena is reused; prepare with
    /// `LinearMemoryPlanner` to read every intermediate after `invoke`.
    public func tensorBytes(_ tensorIndex: Int) -> [UInt8]? {
        let graph = model.mainGraph
        guard tensorIndex >= 0, tensorIndex < graph.tensors.count, let p = tensorPointers[tensorIndex] else { return nil }
        let count = graphShapes[tensorIndex].reduce(1, *) * graph.tensors[tensorIndex].type.byteWidth
        return Array(UnsafeRawBufferPointer(start: p, count: count))
    }

    /// A copy of output `index`'s bytes.
    public func outputBytes(_ index: Int) -> [UInt8] {
        withOutput(index) { Array($0) }
    }
}
