/// One tensor copy a control-flow operator performs between its own tensors and a subgraph's: addresses and size
/// resolved at bind, so the copy allocates nothing.
struct SubgraphCopy {
    var source: UnsafeRawPointer
    var destination: UnsafeMutableRawPointer
    var byteCount: Int

    /// Copies every entry in order (memmove: a tensor may be its own destination).
    @inline(__always)
    static func perform(_ copies: UnsafeBufferPointer<SubgraphCopy>) {
        for c in copies where c.source != UnsafeRawPointer(c.destination) {
            c.destination.copyMemory(from: c.source, byteCount: c.byteCount)
        }
    }
}
