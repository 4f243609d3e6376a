/// Where an update stands, attached to ``EventName/updatePhase`` events.
public struct UpdateProgress: Codable, Sendable, Equatable {
    public var assignmentID: String
    public var phase: UpdatePhase
    public var previousPhase: UpdatePhase?
    /// The bundle being installed (release counter 0 until it has been verified).
    public var target: BundleReference
    /// The bundle serving when the event was written.
    public var serving: BundleReference?
    public var bytesReceived: Int?
    /// Agreement of the candidate with the serving model in shadow mode (0…1).
    public var agreementRate: Double?
    /// How long the inference loop paused to switch models, microseconds.
    public var switchPauseMicros: UInt64?
    /// The candidate's median latency on its golden cases during the health check, microseconds.
    public var healthLatencyMicros: UInt64?

    public init(assignmentID: String, phase: UpdatePhase, previousPhase: UpdatePhase?, target: BundleReference,
                serving: BundleReference?, bytesReceived: Int? = nil, agreementRate: Double? = nil,
                switchPauseMicros: UInt64? = nil, healthLatencyMicros: UInt64? = nil) {
        self.assignmentID = assignmentID
        self.phase = phase
        self.previousPhase = previousPhase
        self.target = target
        self.serving = serving
        self.bytesReceived = bytesReceived
        self.agreementRate = agreementRate
        self.switchPauseMicros = switchPauseMicros
        self.healthLatencyMicros = healthLatencyMicros
    }
}
