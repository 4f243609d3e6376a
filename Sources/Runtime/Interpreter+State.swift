extension Interpreter {
    /// Forgets the state kept across invokes: every resource variable becomes unassigned (and zeroed), and every
    /// CALL_ONCE runs its init subgraph again on the next invoke — the state of a freshly created interpreter.
    ///
    /// Models without variables or CALL_ONCE have no such state; this is then a no-op. Allocates nothing.
    public func resetState() {
        variables.reset()
        for op in callOnceOperators { op.reset() }
    }

    /// Bytes reserved at prepare for resource variables (outside the arenas).
    public var variableBytes: Int { variables.storageBytes }

    /// Runs every operator once like `invoke()`, then fails if the run read a resource variable before anything
    /// assigned it (READ_VARIABLE then produced zeros, not a value) or stopped a WHILE at the interpreter's
    /// `whileIterationLimit`. Performs no heap allocation when it succeeds.
    public func checkedInvoke() throws(RuntimeError) {
        invoke()
        for op in whileOperators where op.limitReached {
            for other in whileOperators { other.limitReached = false }
            throw RuntimeError(.invalidInput, "operator #\(op.step) WHILE: the loop did not end within the interpreter's limit of \(op.iterationLimitDescription) iterations; its outputs hold the values reached")
        }
        let id = variables.unassignedRead
        guard id >= 0 else { return }
        variables.unassignedRead = -1
        throw RuntimeError(.invalidInput, "READ_VARIABLE read variable \(variables.name(id)) before any ASSIGN_VARIABLE gave it a value (after a new interpreter or resetState(), the model must assign a variable before reading it)")
    }
}
