import Bundles
import FleetProtocol

/// The agent's thermal policy as a plain value: temperatures in, the state to run in and its changes out.
///
/// `normal` → `throttling` at `throttleCelsius`, any state → `paused` at `criticalCelsius`; the way back needs the
/// board `hysteresisCelsius` below the limit that was crossed, so a temperature hovering at a limit does not flap.
/// A missing reading runs the agent unthrottled (a broken sensor must not stop inference) and is reported once per
/// outage. No I/O and no clock: ``ThermalService`` feeds it readings.
public struct ThermalGovernor: Sendable, Equatable {
    /// The temperatures that move the state, in °C.
    public struct Limits: Sendable, Equatable {
        public var throttleCelsius: Double
        public var criticalCelsius: Double
        public var hysteresisCelsius: Double

        public init(throttleCelsius: Double, criticalCelsius: Double, hysteresisCelsius: Double) {
            self.throttleCelsius = throttleCelsius
            self.criticalCelsius = criticalCelsius
            self.hysteresisCelsius = hysteresisCelsius
        }

        /// The effective limits: the profile's, with the configuration's overrides; throttle must stay below critical.
        public init(profile: ThermalLimits, settings: ThermalSettings) throws(ConfigurationError) {
            self.init(throttleCelsius: settings.throttleCelsius ?? profile.throttleCelsius,
                      criticalCelsius: settings.criticalCelsius ?? profile.criticalCelsius,
                      hysteresisCelsius: settings.hysteresisCelsius)
            guard throttleCelsius < criticalCelsius else {
                throw ConfigurationError(.invalidValue, key: "thermal.throttleCelsius",
                                         "the throttle limit \(throttleCelsius) °C must be below the critical limit \(criticalCelsius) °C (profile or thermal.*)")
            }
        }
    }

    /// What changed with one reading.
    public enum Change: Sendable, Equatable {
        /// The state moved (from, to) at this temperature.
        case state(from: ThermalState, to: ThermalState, temperature: Double)
        /// The sensor could not be read (the first failure of an outage); the agent runs unthrottled.
        case sensorMissing(from: ThermalState)
    }

    public let limits: Limits
    public private(set) var state: ThermalState = .normal
    /// True from the first missing reading of an outage until a reading arrives again.
    public private(set) var sensorMissing = false

    public init(limits: Limits) {
        self.limits = limits
    }

    /// Takes one reading (nil: the sensor could not be read) and returns the change it causes, if any.
    public mutating func observe(_ temperature: Double?) -> Change? {
        guard let temperature, temperature.isFinite else {
            let previous = state
            state = .normal
            guard !sensorMissing else { return nil }
            sensorMissing = true
            return .sensorMissing(from: previous)
        }
        sensorMissing = false
        let next = Self.next(after: state, at: temperature, limits)
        guard next != state else { return nil }
        defer { state = next }
        return .state(from: state, to: next, temperature: temperature)
    }

    static func next(after state: ThermalState, at t: Double, _ limits: Limits) -> ThermalState {
        if t >= limits.criticalCelsius { return .paused }
        switch state {
        case .paused:
            guard t < limits.criticalCelsius - limits.hysteresisCelsius else { return .paused }
            return t >= limits.throttleCelsius - limits.hysteresisCelsius ? .throttling : .normal
        case .throttling:
            return t < limits.throttleCelsius - limits.hysteresisCelsius ? .normal : .throttling
        default:
            return t >= limits.throttleCelsius ? .throttling : .normal
        }
    }
}
