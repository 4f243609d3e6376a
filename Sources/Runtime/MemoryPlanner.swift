/// A buffer to place in the arena: its size and the operator steps during which it must stay intact.
public struct PlannedBuffer: Sendable, Equatable {
    public var size: Int
    /// First operator step that writes or reads it.
    public var firstUse: Int
    /// Last operator step that reads it.
    public var lastUse: Int

    public init(size: Int, firstUse: Int, lastUse: Int) {
        self.size = size
        self.firstUse = firstUse
        self.lastUse = lastUse
    }

    func overlapsInTime(_ other: PlannedBuffer) -> Bool {
        firstUse <= other.lastUse && other.firstUse <= lastUse
    }
}

/// Places buffers with known lifetimes in one arena.
public protocol MemoryPlanner {
    /// Returns one offset per buffer and the arena size that holds them all.
    func plan(_ buffers: [PlannedBuffer]) -> (offsets: [Int], arenaSize: Int)
}
