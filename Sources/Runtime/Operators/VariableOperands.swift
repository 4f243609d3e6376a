import TFLite

/// Resolving the variable a READ_VARIABLE or ASSIGN_VARIABLE works on, at prepare.
enum VariableOperands {
    /// The resource id carried by input 0, which must come from a VAR_HANDLE of the same subgraph.
    static func resourceID(_ ctx: OperatorContext) throws(RuntimeError) -> Int {
        let slot = try ctx.inputIndex(0)
        let t = ctx.tensor(slot)
        guard t.type == .resource || t.type == .int32 else {
            throw ctx.invalid("its resource input \(t.name) is \(t.type.name), not a resource handle")
        }
        guard let id = ctx.shapes.resourceIDs[slot] else {
            throw ctx.unsupported("its resource input \(t.name) does not come from a VAR_HANDLE earlier in the same subgraph; the runtime resolves variables at prepare")
        }
        return id
    }
}
