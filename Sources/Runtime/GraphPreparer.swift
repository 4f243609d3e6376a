import Kernels
import TFLite

/// Prepares the graphs of one model for one interpreter: subgraph 0, then every subgraph its control-flow
/// operators (IF, WHILE, CALL_ONCE) reach, each once, with its own prepared operators and memory plan.
///
/// Lives only during `Interpreter.init`; what it builds (prepared graphs, resource variables) is kept by the
/// interpreter. Not thread-safe (prepare runs on one thread).
final class GraphPreparer {
    let model: Model
    let planner: any MemoryPlanner
    let threads: Int
    let microkernel: Microkernel?
    /// The model's resource variables, registered by VAR_HANDLE and sized by ASSIGN_VARIABLE during prepare.
    let variables = ResourceVariables()
    /// Every subgraph prepared so far, by index (never subgraph 0, which the interpreter keeps itself).
    private(set) var graphs: [Int: PreparedGraph] = [:]
    /// CALL_ONCE operators, re-armed when the interpreter's state is reset.
    var callOnceOperators: [CallOnceOperator] = []
    /// WHILE operators, whose iteration limit `checkedInvoke` reports.
    var whileOperators: [WhileOperator] = []
    /// Body runs a WHILE may make per invoke (nil: unbounded, as in LiteRT).
    let whileIterationLimit: Int?
    /// Bytes of the subgraph arenas allocated so far (all count against ``Interpreter/maximumArenaBytes``).
    var subgraphArenaBytes = 0
    /// Subgraphs being prepared, outermost first: a subgraph found here again calls itself.
    private var stack: [Int] = [0]

    init(model: Model, planner: any MemoryPlanner, threads: Int, microkernel: Microkernel?, whileIterationLimit: Int?) {
        self.model = model
        self.whileIterationLimit = whileIterationLimit
        self.planner = planner
        self.threads = threads
        self.microkernel = microkernel
    }

    /// Prepares every operator of `graph` in order (shapes inferred, parameters computed, weights packed).
    func prepareOperators(of graph: Subgraph, shapes: ShapeTable) throws(RuntimeError) -> [any PreparedOperator] {
        var prepared: [any PreparedOperator] = []
        for (step, op) in graph.operators.enumerated() {
            var ctx = OperatorContext(model: model, graph: graph, op: op, step: step, shapes: shapes, threads: threads)
            ctx.preparer = self
            if let microkernel { ctx.microkernel = microkernel }
            guard let prepare = OperatorRegistry.builtins[op.opcode], op.opcode != .custom else {
                throw ctx.unsupported("the runtime does not implement this operator")
            }
            prepared.append(try prepare(ctx))
        }
        return prepared
    }

    /// The prepared subgraph `index`, called by the operator `ctx` describes; prepared on first request.
    ///
    /// Refuses an index outside the model, subgraph 0 (the main graph cannot be called) and any subgraph that
    /// would call itself, directly or through others: TFLite would recurse without end.
    func subgraph(_ index: Int, for ctx: OperatorContext, role: String) throws(RuntimeError) -> PreparedGraph {
        guard index >= 0, index < model.subgraphs.count else {
            throw ctx.invalid("its \(role) subgraph index \(index) is not a subgraph of the model (it has \(model.subgraphs.count))")
        }
        if let existing = graphs[index] { return existing }
        guard !stack.contains(index) else {
            let chain = (stack + [index]).map(String.init).joined(separator: " → ")
            throw ctx.invalid("its \(role) subgraph \(index) calls itself (subgraphs \(chain)); recursion is not supported")
        }
        stack.append(index)
        defer { stack.removeLast() }
        let graph = try PreparedGraph(index: index, preparer: self)
        graphs[index] = graph
        return graph
    }
}
