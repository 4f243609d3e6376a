/// A snapshot of the ``ProbationWindow`` for the update service.
struct ProbationSummary: Sendable {
    var inferences: UInt64
    var errors: UInt64
    var p99Micros: UInt64

    /// Errors over all inputs seen since the switch.
    var errorRate: Double {
        let total = inferences + errors
        return total == 0 ? 0 : Double(errors) / Double(total)
    }
}
