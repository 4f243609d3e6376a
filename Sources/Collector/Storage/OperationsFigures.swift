/// The figures operators alert on that only the database knows: devices per profile, rollouts per state, stream
/// gaps and declared losses. Small by construction (profiles and states are bounded sets), read every scrape.
public struct OperationsFigures: Sendable, Equatable {
    /// Devices of one firmware profile (`unknown` when a device never said).
    public struct Profile: Sendable, Equatable {
        public var profile: String
        public var known: Int
        public var offline: Int
        /// Of the online devices' latest reports; nil when none reported a temperature.
        public var maximumTemperature: Double?
        public var meanTemperature: Double?

        public init(profile: String, known: Int, offline: Int, maximumTemperature: Double?, meanTemperature: Double?) {
            self.profile = profile
            self.known = known
            self.offline = offline
            self.maximumTemperature = maximumTemperature
            self.meanTemperature = meanTemperature
        }
    }

    public var profiles: [Profile]
    /// Rollouts by ``RolloutStatus`` raw value (states without rollouts absent).
    public var rollouts: [String: Int]
    /// Device streams with numbers stored above a missing one (a gap the device has not yet filled).
    public var streamsWithGaps: Int
    /// Messages devices declared dropped (their queue overflowed): lost for good.
    public var lostMessages: Int

    public init(profiles: [Profile], rollouts: [String: Int], streamsWithGaps: Int, lostMessages: Int) {
        self.profiles = profiles
        self.rollouts = rollouts
        self.streamsWithGaps = streamsWithGaps
        self.lostMessages = lostMessages
    }
}
