/// When each simulated device next needs a step: a min-heap of due instants with at most one live entry per device.
///
/// Why: 100,000 devices each with their own timer task (a tick per second) spent the simulator's CPU on timers and
/// wake-ups, ten per message at one report per 10 s (docs/scale.md). With one schedule, one driver (``FleetScheduler``)
/// wakes every few milliseconds and steps only the devices that are due: a report, a probe, a chunk re-request, or an
/// event such as an acknowledgement that opened the window. A value type, free of I/O and clocks, tested on its own.
///
/// Scheduling a device that is already scheduled keeps the earlier instant; a later one is ignored, since the step
/// at the earlier instant computes the device's next due instant anyway. Superseded heap entries stay in the heap
/// and are skipped when they surface.
public struct DeviceSchedule: Sendable {
    struct Entry: Sendable {
        var due: ContinuousClock.Instant
        var device: Int
    }

    private var heap: [Entry] = []
    /// The live due instant per device (nil: not scheduled).
    private var scheduled: [ContinuousClock.Instant?]
    /// Devices with a live entry.
    public private(set) var count = 0

    /// A schedule for devices numbered `0..<devices`, none scheduled.
    public init(devices: Int) {
        scheduled = Array(repeating: nil, count: max(0, devices))
    }

    /// Schedules `device` at `due` unless it is already due earlier or at the same instant; true if the schedule changed.
    @discardableResult
    public mutating func schedule(_ device: Int, at due: ContinuousClock.Instant) -> Bool {
        guard scheduled.indices.contains(device) else { return false }
        if let current = scheduled[device] {
            guard due < current else { return false }
        } else {
            count += 1
        }
        scheduled[device] = due
        push(Entry(due: due, device: device))
        return true
    }

    /// When `device` is due next, if it is scheduled.
    public func due(_ device: Int) -> ContinuousClock.Instant? {
        scheduled.indices.contains(device) ? scheduled[device] : nil
    }

    /// The earliest live due instant.
    public mutating func nextDue() -> ContinuousClock.Instant? {
        dropStale()
        return heap.first?.due
    }

    /// Removes and returns the devices due at or before `now`, earliest first, at most `limit`; they are unscheduled
    /// until scheduled again.
    public mutating func takeDue(now: ContinuousClock.Instant, limit: Int = .max) -> [Int] {
        var due: [Int] = []
        while due.count < limit {
            dropStale()
            guard let top = heap.first, top.due <= now else { break }
            pop()
            scheduled[top.device] = nil
            count -= 1
            due.append(top.device)
        }
        return due
    }

    /// Pops superseded entries off the top.
    private mutating func dropStale() {
        while let top = heap.first, scheduled[top.device] != top.due { pop() }
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].due < heap[parent].due else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func pop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].due < heap[smallest].due { smallest = left }
            if right < heap.count, heap[right].due < heap[smallest].due { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
