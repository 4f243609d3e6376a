/// Frames that arrived as MQTT messages on the input topic (one message, one frame).
///
/// The messages were already copied out of libmosquitto by the client; the loop only takes them over.
final class MessageSource: InputSource {
    let queue: FrameQueue

    init(queue: FrameQueue) { self.queue = queue }

    func next(timeout: Duration, _ body: (UnsafeRawBufferPointer) -> Void) throws(InputError) -> Bool {
        guard let frame = queue.pop(timeout: timeout) else { return false }
        frame.withUnsafeBytes(body)
        return true
    }

    func reply(_ bytes: UnsafeRawBufferPointer) {}

    var droppedFrames: UInt64 { queue.droppedFrames }

    func close() {}
}
