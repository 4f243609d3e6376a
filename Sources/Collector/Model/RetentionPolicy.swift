/// How long each kind of data is kept; nil keeps it forever.
public struct RetentionPolicy: Codable, Sendable, Equatable {
    public var telemetryDays: Double?
    public var minuteRollupDays: Double?
    public var hourRollupDays: Double?
    public var eventDays: Double?
    public var sampleDays: Double?

    public init(telemetryDays: Double? = 7, minuteRollupDays: Double? = 30, hourRollupDays: Double? = 400, eventDays: Double? = 90,
                sampleDays: Double? = 30) {
        self.telemetryDays = telemetryDays
        self.minuteRollupDays = minuteRollupDays
        self.hourRollupDays = hourRollupDays
        self.eventDays = eventDays
        self.sampleDays = sampleDays
    }
}
