import Synchronization

/// Drives every ``SimulatedDevice`` of a fleet from one loop: wakes every `tick`, steps the devices that are due
/// (``DeviceSchedule``) and publishes what they produced.
///
/// Why one loop: per-device timer tasks cost the simulator ~555 µs of CPU per message at 100,000 devices against
/// ~30 µs at 20 devices (docs/scale.md). Devices ask for an early step with ``wake(_:)`` (an acknowledgement that
/// opened the window, a command, a bundle chunk); the loop picks them up within one tick. Thread-safe: `wake` may be
/// called from any task.
public final class FleetScheduler: Sendable {
    /// The loop's period: the shortest time between two steps of one device (it was the per-device tick's floor).
    public let tick: Duration
    private let schedule: Mutex<DeviceSchedule>
    private let devices = Mutex<[SimulatedDevice]>([])

    /// A scheduler for `devices` devices, attached later (``attach(_:)``) in the order of their indices.
    public init(devices: Int, tick: Duration = .milliseconds(20)) {
        self.tick = tick
        schedule = Mutex(DeviceSchedule(devices: devices))
    }

    /// The devices to step, indexed as scheduled (``SimulatedDevice/slot``).
    func attach(_ devices: [SimulatedDevice]) {
        self.devices.withLock { $0 = devices }
    }

    /// Asks for a step of device `slot` at the next tick.
    func wake(_ slot: Int) {
        schedule.withLock { _ = $0.schedule(slot, at: ContinuousClock.now) }
    }

    /// Steps due devices until the task is cancelled. Publishes run concurrently, a task each: unlike the agent's
    /// one-by-one uplink this keeps a whole window in flight at benchmark rates, and messages may reach the broker out
    /// of order (the collector must and does cope).
    ///
    /// The publish tasks are unstructured, not children of one task group: a group removes a finished child from a
    /// linked list of all its children, and with 100,000 devices' messages waiting for PUBACKs that removal took 98 % of
    /// the simulator's CPU (perf, `swift::TaskGroup::removeChildTask`). A QoS 1 publish ends when the broker
    /// acknowledges it or when its client shuts down (``FleetSimulator/run()`` shuts the connections down at the end).
    func run() async {
        let devices = self.devices.withLock { $0 }
        var next: [(slot: Int, due: ContinuousClock.Instant)] = []
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let due = schedule.withLock { $0.takeDue(now: now) }
            next.removeAll(keepingCapacity: true)
            for slot in due where devices.indices.contains(slot) {
                let device = devices[slot]
                let step = device.step(now: now)
                for message in step.messages {
                    Task { try? await device.client.publish(topic: message.topic, payload: message.payload, qos: .atLeastOnce) }
                }
                if let at = step.next { next.append((slot, at)) }
            }
            if !next.isEmpty {
                schedule.withLock { schedule in
                    for entry in next { schedule.schedule(entry.slot, at: entry.due) }
                }
            }
            try? await Task.sleep(for: tick)
        }
    }
}
