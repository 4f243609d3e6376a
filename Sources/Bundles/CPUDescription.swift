/// A board's CPU as far as latency estimates and kernel selection care.
public struct CPUDescription: Codable, Sendable, Equatable {
    /// Core model, e.g. `Cortex-A72`.
    public var model: String
    public var cores: Int
    /// Sustained clock under the stock firmware, in MHz.
    public var clockMHz: Int
    /// Architecture level, e.g. `armv8.0-a`, `armv8.2-a`.
    public var isa: String

    public init(model: String, cores: Int, clockMHz: Int, isa: String) {
        self.model = model
        self.cores = cores
        self.clockMHz = clockMHz
        self.isa = isa
    }
}
