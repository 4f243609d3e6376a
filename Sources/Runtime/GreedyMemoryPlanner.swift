/// TFLite Micro's greedy planner: largest buffers first, each at the lowest offset free during its lifetime.
public struct GreedyMemoryPlanner: MemoryPlanner, Sendable {
    /// Every offset is a multiple of this (SIMD loads and the kernels' Int32 scratch need it).
    public var alignment: Int

    public init(alignment: Int = 16) {
        self.alignment = alignment
    }

    public func plan(_ buffers: [PlannedBuffer]) -> (offsets: [Int], arenaSize: Int) {
        // Larger first; among equals the earlier-used first, so the result is deterministic.
        let order = buffers.indices.sorted {
            let a = buffers[$0], b = buffers[$1]
            if a.size != b.size { return a.size > b.size }
            if a.firstUse != b.firstUse { return a.firstUse < b.firstUse }
            return $0 < $1
        }
        var offsets = [Int](repeating: 0, count: buffers.count)
        var placed: [Int] = []
        var arenaSize = 0
        for index in order {
            let buffer = buffers[index]
            // Buffers alive at the same time, by offset: take the first gap large enough.
            let live = placed.filter { buffers[$0].overlapsInTime(buffer) }.sorted { offsets[$0] < offsets[$1] }
            var candidate = 0
            for other in live {
                if candidate + buffer.size <= offsets[other] { break }
                candidate = max(candidate, align(offsets[other] + buffers[other].size))
            }
            offsets[index] = candidate
            placed.append(index)
            arenaSize = max(arenaSize, candidate + buffer.size)
        }
        return (offsets, align(arenaSize))
    }

    private func align(_ x: Int) -> Int { (x + alignment - 1) / alignment * alignment }
}
