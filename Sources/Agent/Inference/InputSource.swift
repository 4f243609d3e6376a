/// Where the inference loop's frames come from. Used by the inference thread only.
protocol InputSource: AnyObject {
    /// Waits up to `timeout` for a frame and calls `body` with its bytes (valid during the call only).
    ///
    /// Returns false when no frame arrived in time. Must not allocate per frame in steady state.
    func next(timeout: Duration, _ body: (UnsafeRawBufferPointer) -> Void) throws(InputError) -> Bool

    /// Sends `bytes` to whoever sent the last frame, where the source has a way back (the socket).
    func reply(_ bytes: UnsafeRawBufferPointer)

    /// Frames discarded before the loop could take them.
    var droppedFrames: UInt64 { get }

    /// Releases the source's resources; the loop calls it once when it ends.
    func close()
}
