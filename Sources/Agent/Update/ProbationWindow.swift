import Histogram

/// Counts since the last model switch, which probation judges the candidate by.
struct ProbationWindow: Sendable {
    var inferences: UInt64 = 0
    var errors: UInt64 = 0
    var latency = IntervalStatistics.makeHistogram()

    mutating func reset() {
        inferences = 0
        errors = 0
        latency.reset()
    }

}
