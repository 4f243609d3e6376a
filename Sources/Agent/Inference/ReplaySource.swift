/// Replays frames read at start-up from a file (one frame) or a directory (one frame per regular file, by
/// name) at a fixed rate, looping or once.
final class ReplaySource: InputSource {
    private let frames: [[UInt8]]
    private let interval: UInt64
    private let loops: Bool
    private var index = 0
    private var due: UInt64 = 0

    /// Frames per second 0 means as fast as the loop can take them.
    init(path: String, rate: Double, loop: Bool, maxFrameBytes: Int) throws(InputError) {
        var frames: [[UInt8]] = []
        do {
            if DurableFiles.isDirectory(path) {
                for name in try DurableFiles.list(path) where !name.hasPrefix(".") {
                    let file = "\(path)/\(name)"
                    guard !DurableFiles.isDirectory(file), let bytes = try DurableFiles.read(file) else { continue }
                    frames.append(bytes)
                }
            } else if let bytes = try DurableFiles.read(path) {
                frames = [bytes]
            }
        } catch {
            throw InputError(.unavailable, "cannot read replay input \(path): \(error.message)")
        }
        guard !frames.isEmpty else { throw InputError(.unavailable, "replay input \(path) holds no frames") }
        if let large = frames.first(where: { $0.count > maxFrameBytes }) {
            throw InputError(.frameSize, "a replay frame of \(path) has \(large.count) bytes, above input.maxFrameBytes \(maxFrameBytes)")
        }
        self.frames = frames
        self.interval = rate > 0 ? UInt64(1_000_000_000 / rate) : 0
        self.loops = loop
    }

    func next(timeout: Duration, _ body: (UnsafeRawBufferPointer) -> Void) throws(InputError) -> Bool {
        let limit = ConditionLock.nanoseconds(timeout)
        guard loops || index < frames.count else {
            ConditionLock.sleep(nanoseconds: limit)
            return false
        }
        if interval > 0 {
            let now = ConditionLock.now()
            if due == 0 { due = now }
            if due > now {
                guard due - now <= limit else {
                    ConditionLock.sleep(nanoseconds: limit)
                    return false
                }
                ConditionLock.sleep(nanoseconds: due - now)
            }
            // A loop that fell behind does not burst to catch up: the schedule restarts from now.
            due = max(due + interval, now)
        }
        frames[index % frames.count].withUnsafeBytes(body)
        index += 1
        if loops, index == frames.count { index = 0 }
        return true
    }

    func reply(_ bytes: UnsafeRawBufferPointer) {}

    var droppedFrames: UInt64 { 0 }

    func close() {}

}
