/// A bounded hand-over of frames from the MQTT dispatcher to the inference thread; the oldest is dropped when full.
///
/// Frames above `maxFrameBytes` (`input.maxFrameBytes`, as for the socket and replay sources) are refused and
/// counted, so a hostile or broken publisher cannot make the queue hold `bufferFrames` huge frames.
final class FrameQueue: @unchecked Sendable {
    private let lock = ConditionLock()
    let maxFrameBytes: Int
    // Guarded by `lock`.
    private var slots: [[UInt8]?]
    private var first = 0
    private var count = 0
    private var dropped: UInt64 = 0
    private var oversized: UInt64 = 0

    init(capacity: Int, maxFrameBytes: Int = 16 << 20) {
        slots = [[UInt8]?](repeating: nil, count: max(capacity, 1))
        self.maxFrameBytes = maxFrameBytes
    }

    /// Adds a frame; drops (and counts) the oldest one when full, refuses (and counts) one above `maxFrameBytes`.
    /// Any thread.
    func push(_ frame: [UInt8]) {
        guard frame.count <= maxFrameBytes else {
            lock.withLock {
                oversized &+= 1
                dropped &+= 1
            }
            return
        }
        lock.withLock {
            if count == slots.count {
                slots[first] = nil
                first = (first + 1) % slots.count
                count -= 1
                dropped &+= 1
            }
            slots[(first + count) % slots.count] = frame
            count += 1
            lock.broadcast()
        }
    }

    /// Takes the oldest frame, waiting up to `timeout`. The inference thread only.
    func pop(timeout: Duration) -> [UInt8]? {
        let deadline = ConditionLock.now() + ConditionLock.nanoseconds(timeout)
        return lock.withLock {
            while count == 0 {
                if ConditionLock.now() >= deadline { return nil }
                lock.wait(untilNanoseconds: deadline)
            }
            let frame = slots[first]
            slots[first] = nil
            first = (first + 1) % slots.count
            count -= 1
            return frame
        }
    }

    /// Frames dropped for any reason (queue full or oversized).
    var droppedFrames: UInt64 { lock.withLock { dropped } }

    /// Frames refused for exceeding `maxFrameBytes`.
    var oversizedFrames: UInt64 { lock.withLock { oversized } }
}
