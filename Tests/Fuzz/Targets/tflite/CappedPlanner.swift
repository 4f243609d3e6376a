import Runtime

/// The interpreter's own planner with a 64 MiB ceiling: a larger plan is reported as larger than the interpreter's
/// limit, so prepare refuses it through its ordinary over-the-limit path instead of allocating and zeroing up to
/// 1 GiB. Keeps every input at milliseconds (a mutated shape easily asks for hundreds of megabytes) without
/// changing what prepare checks; the plan's offsets are checked against the arena it reports.
struct CappedPlanner: MemoryPlanner {
    static let ceiling = 64 << 20

    func plan(_ buffers: [PlannedBuffer]) -> (offsets: [Int], arenaSize: Int) {
        let (offsets, arenaSize) = GreedyMemoryPlanner().plan(buffers)
        for (buffer, offset) in zip(buffers, offsets) {
            precondition(offset >= 0 && offset <= arenaSize - buffer.size, "the planner placed a buffer outside its arena")
        }
        return (offsets, arenaSize > Self.ceiling ? Interpreter.maximumArenaBytes + 1 : arenaSize)
    }
}
