import FleetProtocol
import Synchronization

/// The thermal state shared between ``ThermalService`` (writer) and the inference loop and telemetry (readers).
///
/// Lock-free: the inference thread reads one atomic per iteration and never blocks on the service.
final class ThermalControl: Sendable {
    private static let states: [ThermalState] = [.normal, .throttling, .paused]
    private let stateIndex = Atomic<Int>(0)
    /// `Double.bitPattern` of the last reading; NaN when the sensor could not be read.
    private let temperatureBits = Atomic<UInt64>(Double.nan.bitPattern)
    /// While throttling, the least time between two inferences.
    let throttledFrameIntervalNanoseconds: UInt64

    init(throttledFrameIntervalNanoseconds: UInt64) {
        self.throttledFrameIntervalNanoseconds = throttledFrameIntervalNanoseconds
    }

    var state: ThermalState { Self.states[stateIndex.load(ordering: .relaxed)] }

    var isPaused: Bool { stateIndex.load(ordering: .relaxed) == 2 }
    var isThrottling: Bool { stateIndex.load(ordering: .relaxed) == 1 }

    /// The last reading, nil when the sensor is missing or not read yet.
    var temperatureCelsius: Double? {
        let value = Double(bitPattern: temperatureBits.load(ordering: .relaxed))
        return value.isNaN ? nil : value
    }

    /// Whether a sensor reading exists (the state is meaningful); nil readings leave the agent unthrottled.
    var hasReading: Bool { temperatureCelsius != nil }

    func publish(state: ThermalState, temperature: Double?) {
        temperatureBits.store((temperature ?? .nan).bitPattern, ordering: .relaxed)
        stateIndex.store(Self.states.firstIndex(of: state) ?? 0, ordering: .relaxed)
    }
}
