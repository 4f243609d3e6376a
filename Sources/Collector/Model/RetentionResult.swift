/// Rows removed by one retention pass.
public struct RetentionResult: Sendable, Equatable {
    public var telemetry: Int = 0
    public var rollups: Int = 0
    public var events: Int = 0
    public var samples: Int = 0

    public init(telemetry: Int = 0, rollups: Int = 0, events: Int = 0, samples: Int = 0) {
        self.telemetry = telemetry
        self.rollups = rollups
        self.events = events
        self.samples = samples
    }

    public var total: Int { telemetry + rollups + events + samples }
}
