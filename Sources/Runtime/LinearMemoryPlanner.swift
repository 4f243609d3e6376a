/// Gives every buffer its own place: no reuse, so every intermediate tensor survives `invoke`.
///
/// For debugging (dumping intermediates to compare with another runtime), never for deployment.
public struct LinearMemoryPlanner: MemoryPlanner, Sendable {
    public init() {}

    public func plan(_ buffers: [PlannedBuffer]) -> (offsets: [Int], arenaSize: Int) {
        var offsets: [Int] = []
        var end = 0
        for b in buffers {
            offsets.append(end)
            end += (b.size + 15) / 16 * 16
        }
        return (offsets, end)
    }
}
