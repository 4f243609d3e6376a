/// Fleet-wide latency quantiles of one model over a recent window, for `/metrics`.
public struct ModelLatency: Sendable, Equatable {
    public var model: String
    public var p50Micros: Double
    public var p95Micros: Double
    public var p99Micros: Double
    public var inferences: UInt64

    public init(model: String, p50Micros: Double, p95Micros: Double, p99Micros: Double, inferences: UInt64) {
        self.model = model
        self.p50Micros = p50Micros
        self.p95Micros = p95Micros
        self.p99Micros = p99Micros
        self.inferences = inferences
    }
}
