import FleetProtocol
import Synchronization

/// Which devices are throttling now, by their latest telemetry: the firmware's bits (``ResourceUsage/throttled``) or
/// the agent's own response to its thermal limits (``ResourceUsage/thermalState`` `throttling` or `paused`).
///
/// Fed by ingest, one lookup per telemetry report; kept in memory (the next report of every device, seconds after a
/// restart, rebuilds it). With replicas each one counts the devices it ingests: sum the gauge across collectors.
public final class ThrottlingTracker: Sendable {
    /// Bits 1–3 of `vcgencmd get_throttled`: ARM frequency capped, currently throttled, soft temperature limit active.
    /// Bit 0 (under-voltage) is a power fault, not throttling; bits 16–19 are "since boot" and say nothing about now.
    public static let currentThrottlingBits: UInt32 = 0b1110

    private let throttling: Mutex<Set<String>> = Mutex([])

    public init() {}

    /// Records a device's latest bits and thermal state (nil: not reported); returns the new count when it changed.
    public func update(device: String, throttled bits: UInt32?, thermalState: ThermalState? = nil) -> Int? {
        let now = (bits ?? 0) & Self.currentThrottlingBits != 0 || thermalState == .throttling || thermalState == .paused
        return throttling.withLock { set in
            let changed = now ? set.insert(device).inserted : set.remove(device) != nil
            return changed ? set.count : nil
        }
    }

    /// Forgets a device that went offline (its last bits say nothing about now); returns the new count when it changed.
    public func forget(device: String) -> Int? {
        throttling.withLock { set in set.remove(device) != nil ? set.count : nil }
    }

    public var count: Int { throttling.withLock { $0.count } }
}
