import TFLite

/// The memory of one prepared graph: a planned arena for its activations and scratch, a region for its constants,
/// and the address of every tensor that has memory.
///
/// Owns both allocations and frees them in `deinit`; the pointers stay valid for the object's lifetime. Built once
/// at prepare, never resized, so running the graph allocates nothing.
final class GraphMemory {
    /// Activations and per-step scratch, placed by the memory planner.
    let arena: UnsafeMutableRawPointer
    /// Constant tensor data, copied once, 16-byte aligned each.
    let constants: UnsafeMutableRawPointer
    let arenaBytes: Int
    /// Bytes of constant tensor data (weights, biases, shapes).
    let weightsBytes: Int
    /// Address of each tensor of the graph, nil for tensors no operator touches.
    let pointers: [UnsafeMutableRawPointer?]
    /// Scratch of each step that asked for some.
    let scratch: [Int: UnsafeMutableRawPointer]

    /// Bytes a tensor takes in the arena: a resource tensor holds one int32 resource id, as in TFLite.
    static func storageBytes(_ tensor: Tensor) -> Int {
        tensor.type == .resource ? 4 : tensor.byteCount
    }

    /// Checks that every constant holds exactly the bytes its shape needs.
    static func validateConstants(model: Model, graph: Subgraph) throws(RuntimeError) {
        for tensor in graph.tensors where !model.data(of: tensor).isEmpty {
            let expected = tensor.byteCount
            let actual = model.data(of: tensor).count
            guard expected == actual || tensor.type.byteWidth == 0 else {
                throw RuntimeError(.invalidModel, "constant tensor \(tensor.name) holds \(actual) bytes, its shape \(tensor.shape) needs \(expected)")
            }
        }
    }

    /// Plans and allocates the memory of `graph` (its shapes already inferred) run by `prepared`, one per operator.
    ///
    /// `preserving` lists tensors kept alive to the last step like outputs. `arenaLimit` is what is left of the
    /// interpreter's ``Interpreter/maximumArenaBytes`` after the arenas of other graphs: checked before allocating,
    /// so a hostile file with many large subgraphs fails cleanly instead of allocating each.
    init(model: Model, graph: Subgraph, prepared: [any PreparedOperator], planner: any MemoryPlanner,
         preserving: [Int] = [], arenaLimit: Int = Interpreter.maximumArenaBytes) throws(RuntimeError) {
        // Lifetimes of every tensor that lives in the arena.
        let lastStep = max(graph.operators.count - 1, 0)
        var first = [Int](repeating: Int.max, count: graph.tensors.count)
        var last = [Int](repeating: -1, count: graph.tensors.count)
        func isConstant(_ i: Int) -> Bool { !model.data(of: graph.tensors[i]).isEmpty }
        for i in graph.inputs { first[i] = 0; last[i] = max(last[i], 0) }
        for (step, op) in graph.operators.enumerated() {
            for i in op.inputs where i >= 0 && !isConstant(i) {
                first[i] = min(first[i], step)
                last[i] = max(last[i], step)
            }
            for i in op.outputs {
                first[i] = min(first[i], step)
                last[i] = max(last[i], step)
            }
        }
        for i in graph.outputs { first[i] = min(first[i], lastStep); last[i] = lastStep }
        // Preserved tensors are planned like outputs: alive from their first use to the end of the run.
        for i in preserving { first[i] = min(first[i], lastStep); last[i] = lastStep }
        for i in graph.inputs where isConstant(i) {
            throw RuntimeError(.invalidModel, "graph input \(graph.tensors[i].name) is a constant tensor")
        }
        var buffers: [PlannedBuffer] = []
        var bufferOfTensor: [Int: Int] = [:]
        for i in graph.tensors.indices where last[i] >= 0 && !isConstant(i) {
            let tensor = graph.tensors[i]
            guard tensor.type.byteWidth > 0 || tensor.type == .resource else {
                throw RuntimeError(.unsupportedOperator, "tensor \(tensor.name) has type \(tensor.type.name), which the runtime cannot hold")
            }
            bufferOfTensor[i] = buffers.count
            buffers.append(PlannedBuffer(size: max(Self.storageBytes(tensor), 1), firstUse: first[i], lastUse: last[i]))
        }
        var scratchBuffer: [Int: Int] = [:]
        for (step, p) in prepared.enumerated() where p.scratchBytes > 0 {
            scratchBuffer[step] = buffers.count
            buffers.append(PlannedBuffer(size: p.scratchBytes, firstUse: step, lastUse: step))
        }
        let (offsets, arenaSize) = planner.plan(buffers)
        guard arenaSize <= Interpreter.maximumArenaBytes else {
            throw RuntimeError(.invalidModel, "the model needs a \(arenaSize)-byte activation arena, above the \(Interpreter.maximumArenaBytes)-byte limit")
        }
        guard arenaSize <= arenaLimit else {
            throw RuntimeError(.invalidModel, "the model's graphs need more than \(Interpreter.maximumArenaBytes) bytes of activation arenas in all (this one \(arenaSize))")
        }

        var constantOffsets: [Int: Int] = [:]
        var constantBytes = 0
        var weights = 0
        for (i, tensor) in graph.tensors.enumerated() where isConstant(i) {
            constantOffsets[i] = constantBytes
            constantBytes += (model.data(of: tensor).count + 15) / 16 * 16
            weights += model.data(of: tensor).count
        }
        let arena = UnsafeMutableRawPointer.allocate(byteCount: max(arenaSize, 16), alignment: 64)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: max(arenaSize, 16))
        let constants = UnsafeMutableRawPointer.allocate(byteCount: max(constantBytes, 16), alignment: 64)
        for (i, offset) in constantOffsets {
            model.data(of: graph.tensors[i]).withUnsafeBytes { source in
                (constants + offset).copyMemory(from: source.baseAddress!, byteCount: source.count)
            }
        }
        var pointers = [UnsafeMutableRawPointer?](repeating: nil, count: graph.tensors.count)
        for (i, b) in bufferOfTensor { pointers[i] = arena + offsets[b] }
        for (i, offset) in constantOffsets { pointers[i] = constants + offset }
        self.arena = arena
        self.constants = constants
        self.arenaBytes = arenaSize
        self.weightsBytes = weights
        self.pointers = pointers
        self.scratch = scratchBuffer.mapValues { arena + offsets[$0] }
    }

    deinit {
        arena.deallocate()
        constants.deallocate()
    }

    /// Binds each operator to its tensors' addresses, its scratch and the shared kernel workspace.
    func bind(_ prepared: [any PreparedOperator], workspace: UnsafeMutableRawPointer) {
        for (step, p) in prepared.enumerated() {
            p.bind(TensorMemory(pointers: pointers, scratch: scratch[step], workspace: workspace))
        }
    }
}
