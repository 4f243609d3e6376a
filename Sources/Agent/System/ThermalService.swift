import Bundles
import FleetProtocol
import Logging
import ServiceLifecycle

/// Reads the board's temperature sensor every `pollSeconds`, runs ``ThermalGovernor`` and publishes its state to
/// ``ThermalControl``; raises `thermal.*` events and logs once per change.
final class ThermalService: Service {
    private let sensorPath: String
    private let poll: Duration
    private let control: ThermalControl
    private let outbox: Outbox
    private let logger: Logger
    private let limits: ThermalGovernor.Limits

    init(settings: ThermalSettings, limits: ThermalGovernor.Limits, control: ThermalControl, outbox: Outbox, logger: Logger) {
        self.sensorPath = settings.sensorPath
        self.poll = .milliseconds(Int64(settings.pollSeconds * 1000))
        self.limits = limits
        self.control = control
        self.outbox = outbox
        self.logger = logger
    }

    func run() async throws {
        var governor = ThermalGovernor(limits: limits)
        while true {
            step(&governor)
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.poll) }
            } catch {
                break
            }
        }
    }

    func step(_ governor: inout ThermalGovernor) {
        let reading = SystemProbe.temperatureCelsius(path: sensorPath)
        let change = governor.observe(reading)
        control.publish(state: governor.state, temperature: reading)
        switch change {
        case nil:
            break
        case .sensorMissing(let from)?:
            logger.warning("thermal sensor unreadable; running unthrottled", metadata: ["path": "\(sensorPath)", "was": "\(from)"])
            outbox.event(DeviceEvent(name: .thermalSensorMissing, details: ["path": sensorPath, "was": from.rawValue]))
        case .state(let from, let to, let temperature)?:
            let degrees = "\((temperature * 10).rounded() / 10)"
            switch to {
            case .paused:
                logger.error("board above its critical temperature; inference paused",
                             metadata: ["temperature": "\(degrees)", "limit": "\(limits.criticalCelsius)"])
                outbox.event(DeviceEvent(name: .thermalCritical, details: ["temperature": degrees, "limit": "\(limits.criticalCelsius)",
                                                                          "from": from.rawValue]))
            case .throttling:
                logger.warning("board above its throttle temperature; inference slowed",
                               metadata: ["temperature": "\(degrees)", "limit": "\(limits.throttleCelsius)", "from": "\(from)"])
                outbox.event(DeviceEvent(name: .thermalThrottling, details: [
                    "temperature": degrees, "limit": "\(limits.throttleCelsius)", "from": from.rawValue,
                    "frameIntervalMilliseconds": "\(control.throttledFrameIntervalNanoseconds / 1_000_000)",
                ]))
            default:
                logger.info("board cooled; inference at its configured rate", metadata: ["temperature": "\(degrees)", "from": "\(from)"])
                outbox.event(DeviceEvent(name: .thermalNormal, details: ["temperature": degrees, "from": from.rawValue]))
            }
        }
    }
}
