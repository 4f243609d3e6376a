import TFLite

/// Checks shared by IF and WHILE: a value passed between the operator and a subgraph must have the same type and
/// static shape on both sides, because each subgraph is prepared once with fixed shapes.
enum ControlFlowChecks {
    /// Requires `inner` (a subgraph input or output) to match `outer` (the operator's tensor).
    static func requireSameLayout(_ ctx: OperatorContext, outer: Tensor, inner: Tensor, what: String) throws(RuntimeError) {
        guard outer.type == inner.type else {
            throw ctx.invalid("\(what) is \(inner.type.name) in the subgraph but \(outer.type.name) in the operator")
        }
        guard sameShape(outer.shape, inner.shape) else {
            throw ctx.unsupported("\(what) has shape \(inner.shape) in the subgraph but \(outer.shape) in the operator; the runtime needs static shapes (no dynamic resizing of subgraphs)")
        }
        guard outer.type.byteWidth > 0 || outer.type == .resource else {
            throw ctx.unsupported("\(what) has type \(outer.type.name), which the runtime cannot hold")
        }
    }

    /// Whether two static shapes are the same up to dimensions of size 1: converters write a scalar as [] on one
    /// side of a subgraph call and [1] on the other, and such shapes hold the same bytes in the same order.
    static func sameShape(_ a: [Int], _ b: [Int]) -> Bool {
        a.filter { $0 != 1 } == b.filter { $0 != 1 }
    }

    /// The subgraph index stored in field `field` of the operator's options.
    static func subgraphIndex(_ ctx: OperatorContext, field: Int, name: String) throws(RuntimeError) -> Int {
        guard case .scalars(let o) = ctx.op.options, o.bytes(field) != nil else {
            throw ctx.invalid("its options do not name the \(name) subgraph")
        }
        return o.int(field)
    }

    /// Copies from `sources` into `destinations`, pairwise.
    static func copies(from sources: [UnsafeRawPointer], to destinations: [UnsafeMutableRawPointer], sizes: [Int]) -> UnsafeMutableBufferPointer<SubgraphCopy> {
        let buffer = UnsafeMutableBufferPointer<SubgraphCopy>.allocate(capacity: sizes.count)
        for i in sizes.indices {
            buffer[i] = SubgraphCopy(source: sources[i], destination: destinations[i], byteCount: sizes[i])
        }
        return buffer
    }
}
