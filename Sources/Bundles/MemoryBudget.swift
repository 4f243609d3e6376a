/// How much of a board's RAM the agent and its model may use.
public struct MemoryBudget: Codable, Sendable, Equatable {
    /// Physical RAM on the board.
    public var ramBytes: Int
    /// Everything the agent may hold: process, model file, arena, queues.
    public var agentBytes: Int
    /// The interpreter's activation arena.
    public var arenaBytes: Int
    /// Constant weights of the model.
    public var weightsBytes: Int

    public init(ramBytes: Int, agentBytes: Int, arenaBytes: Int, weightsBytes: Int) {
        self.ramBytes = ramBytes
        self.agentBytes = agentBytes
        self.arenaBytes = arenaBytes
        self.weightsBytes = weightsBytes
    }
}
