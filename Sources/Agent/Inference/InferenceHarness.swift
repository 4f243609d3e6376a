import Bundles
import FleetProtocol

/// The agent's per-input path (frame → input tensor → invoke → prediction → statistics, feature sketch,
/// capture) driven synchronously on the caller's thread, for tests and benchmarks.
///
/// Not thread-safe; use from one thread.
public final class InferenceHarness {
    /// A source that hands out the one frame it was given.
    private final class OneFrame: InputSource {
        var frame: UnsafeRawBufferPointer?

        func next(timeout: Duration, _ body: (UnsafeRawBufferPointer) -> Void) throws(InputError) -> Bool {
            guard let frame else { return false }
            self.frame = nil
            body(frame)
            return true
        }

        func reply(_ bytes: UnsafeRawBufferPointer) {}
        var droppedFrames: UInt64 { 0 }
        func close() {}
    }

    private let source = OneFrame()
    private let loop: InferenceLoop
    private let board: StatisticsBoard
    private let captureOverride = CaptureOverride()
    /// The bundle being run.
    public let bundle: BundleReference

    /// Verifies `bundleBytes` with `verifier` and prepares the pipeline.
    public init(bundleBytes: [UInt8], verifier: BundleVerifier, format: InputSettings.Format = .raw,
                capture: CaptureSettings = CaptureSettings(enabled: false)) throws {
        let model = try ModelLoader.load(bytes: bundleBytes, digest: BundleDigest.sha256Hex(bundleBytes), verifier: verifier)
        bundle = model.reference
        board = StatisticsBoard(initial: IntervalStatistics(model: model, startedAt: 0, started: .now))
        loop = InferenceLoop(model: model, source: source,
                             settings: .init(format: format, replyOnSocket: false, capture: capture),
                             board: board, switchboard: ModelSwitchboard(serving: model.reference, macs: model.interpreter.macs),
                             predictions: PredictionBuffer(), capture: capture.enabled ? CaptureBuffer() : nil,
                             captureOverride: captureOverride)
    }

    /// Applies a collector's `capture` command, as the agent's update service does.
    public func raiseCapture(_ request: CaptureRequest) throws {
        try request.validate()
        captureOverride.raise(request, now: ConditionLock.now())
    }

    /// Runs one frame through the whole per-input path.
    public func process(_ frame: UnsafeRawBufferPointer) {
        source.frame = frame
        loop.step(timeout: .zero)
    }

    /// Inferences and errors counted so far, and the interval's prediction and feature histograms.
    public func statistics() -> (inferences: UInt64, errors: UInt64, predictions: [UInt64], features: [FeatureCounts], captured: UInt64) {
        board.withState { state in
            (state.current.inferences, state.current.errors, state.current.predictions.map { $0 }, state.current.featureCounts, state.current.captured)
        }
    }
}
