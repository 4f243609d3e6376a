import FleetProtocol
import FleetSupport
import Runtime
import Synchronization

/// The fixed-point inference loop: frame → input tensor → `invoke` → prediction → statistics, sinks, capture.
///
/// Runs on its own thread (``DedicatedThread``) from ``run()`` until ``requestStop()``. Everything it mutates
/// outside the locked hand-overs (board, switchboard, capture and prediction buffers) is touched by that thread
/// alone, hence `@unchecked Sendable`. In steady state an iteration allocates nothing: inputs are copied into
/// the arena, outputs are read in place, statistics are counted into preallocated arrays.
final class InferenceLoop: @unchecked Sendable {
    struct Settings: Sendable {
        var format: InputSettings.Format
        var replyOnSocket: Bool
        var capture: CaptureSettings
    }

    private var champion: LoadedModel
    private var shadow: LoadedModel?
    private let source: any InputSource
    private let settings: Settings
    let board: StatisticsBoard
    let switchboard: ModelSwitchboard
    let predictions: PredictionBuffer?
    let capture: CaptureBuffer?
    private var reply: UnsafeMutableRawBufferPointer
    /// The inputs of the current frame, copied before `invoke` (only when capture is on).
    private var kept: UnsafeMutableRawBufferPointer
    private var budget: CaptureBudget
    /// The collector's raised capture (a `capture` command), re-read when its generation moves.
    private let captureOverride: CaptureOverride?
    private var overrideGeneration: UInt64 = 0
    /// The board's thermal state (``ThermalService``): throttling spaces frames apart, paused takes none.
    private let thermal: ThermalControl?
    /// When the last frame was taken (`ConditionLock.now()`), for the throttled spacing.
    private var lastFrameAt: UInt64 = 0
    private var raised: CaptureOverride.Raised?
    private var random = SplitMix64(seed: SplitMix64.increment)
    private var number: UInt64 = 0
    private var reportedDrops: UInt64 = 0
    private let clock = ContinuousClock()
    private let stopRequested = Atomic<Bool>(false)
    /// Advances on every iteration, inputs or not: the watchdog pings systemd only while it moves.
    let heartbeat = Atomic<UInt64>(0)
    let running = Atomic<Bool>(false)

    init(model: LoadedModel, source: any InputSource, settings: Settings, board: StatisticsBoard,
         switchboard: ModelSwitchboard, predictions: PredictionBuffer?, capture: CaptureBuffer?, captureOverride: CaptureOverride? = nil,
         thermal: ThermalControl? = nil) {
        self.champion = model
        self.source = source
        self.settings = settings
        self.board = board
        self.switchboard = switchboard
        self.predictions = predictions
        self.capture = capture
        self.captureOverride = captureOverride
        self.thermal = thermal
        self.reply = .allocate(byteCount: Self.replyBytes(model), alignment: 16)
        self.kept = .allocate(byteCount: max(model.inputBytes, 16), alignment: 16)
        self.budget = CaptureBudget(perHour: settings.capture.maxPerHour, burst: settings.capture.burst, now: ConditionLock.now())
        capture?.prepare(for: model)
    }

    deinit {
        reply.deallocate()
        kept.deallocate()
    }

    /// The loop itself; returns after ``requestStop()``. Call once, on the inference thread.
    func run() {
        running.store(true, ordering: .releasing)
        while !stopRequested.load(ordering: .acquiring) { step(timeout: .milliseconds(100)) }
        source.close()
        switchboard.stop()
        running.store(false, ordering: .releasing)
    }

    /// One iteration: pending switches, then at most one frame (waiting up to `timeout` for it).
    func step(timeout: Duration) {
        heartbeat.wrappingAdd(1, ordering: .relaxed)
        if switchboard.hasPending { applySwitches() }
        if let thermal, !thermalAllowsFrame(thermal, timeout: timeout) {
            countDrops()
            return
        }
        do {
            _ = try source.next(timeout: timeout) { frame in
                lastFrameAt = ConditionLock.now()
                process(frame)
            }
        } catch {
            board.withState { state in
                state.current.errors &+= 1
                state.probation.errors &+= 1
                state.totalErrors &+= 1
            }
        }
        countDrops()
    }

    /// Frames the source dropped since the last look (a full queue), into the interval's statistics.
    private func countDrops() {
        let drops = source.droppedFrames
        if drops != reportedDrops {
            let delta = drops &- reportedDrops
            reportedDrops = drops
            board.withState { $0.current.droppedInputs &+= delta }
        }
    }

    /// Waits out what the thermal state asks (at most `timeout`, so stop requests and the heartbeat stay live) and
    /// says whether a frame may be taken now. Paused: never; throttling: once the spacing since the last frame passed.
    private func thermalAllowsFrame(_ thermal: ThermalControl, timeout: Duration) -> Bool {
        let limit = ConditionLock.nanoseconds(timeout)
        if thermal.isPaused {
            ConditionLock.sleep(nanoseconds: limit)
            return false
        }
        guard thermal.isThrottling else { return true }
        let due = lastFrameAt &+ thermal.throttledFrameIntervalNanoseconds
        let now = ConditionLock.now()
        guard due > now else { return true }
        guard due - now <= limit else {
            ConditionLock.sleep(nanoseconds: limit)
            return false
        }
        ConditionLock.sleep(nanoseconds: due - now)
        return true
    }

    /// Asks the loop to end after the current input. Any thread.
    func requestStop() { stopRequested.store(true, ordering: .releasing) }

    /// One frame through the serving model (and the shadow, if any).
    ///
    /// Everything that reads the input tensors (feature sketch, shadow input, capture copy) runs before
    /// `invoke`: the arena reuses input memory for intermediate tensors during the run.
    private func process(_ frame: UnsafeRawBufferPointer) {
        let model = champion
        let loadStart = clock.now
        guard model.load(frame: frame, format: settings.format) else {
            board.withState { state in
                state.current.errors &+= 1
                state.probation.errors &+= 1
                state.totalErrors &+= 1
            }
            return
        }
        let loadEnd = clock.now
        var outliers = 0
        if let sketch = model.sketch {
            sketch.measureInput(UnsafeRawBufferPointer(model.interpreter.inputBuffer(0)))
            outliers = board.withState { state in
                state.current.features.withUnsafeMutableBufferPointer { counts in
                    sketch.record(UnsafeRawBufferPointer(model.interpreter.inputBuffer(0)), into: counts)
                }
            }
        }
        let shadowReady = shadow.map { prepareShadow($0, champion: model) } ?? false
        if capture != nil { keepInputs(model) }
        let invokeStart = clock.now
        model.interpreter.invoke()
        let micros = HealthCheck.micros((loadEnd - loadStart) + (clock.now - invokeStart))
        let (predicted, score) = model.topPrediction()
        number &+= 1
        model.sketch?.measureEmbedding()

        var shadowAgrees: Bool?
        if let shadow {
            if shadowReady {
                shadow.interpreter.invoke()
                shadowAgrees = shadow.topPrediction().index == predicted
            } else {
                shadowAgrees = false
            }
        }

        board.withState { state in
            state.current.record(latencyMicros: micros, predicted: predicted, score: score)
            if let sketch = model.sketch { outliers &+= state.current.features.withUnsafeMutableBufferPointer { sketch.recordEmbedding(into: $0) } }
            state.probation.inferences &+= 1
            state.probation.latency.record(min(max(micros, 1), 60_000_000))
            state.totalInferences &+= 1
            if let shadowAgrees {
                state.current.shadowCompared &+= 1
                state.shadowCompared &+= 1
                if shadowAgrees {
                    state.current.shadowAgreed &+= 1
                    state.shadowAgreed &+= 1
                }
            }
        }

        if let capture { considerCapture(capture, model: model, predicted: predicted, score: score, outliers: outliers) }
        predictions?.push(Prediction(number: number, predicted: Int32(truncatingIfNeeded: predicted), score: Float(score)))
        if settings.replyOnSocket { sendReply(model) }
    }

    /// Copies the champion's inputs into the shadow model; false when their tensors differ (counted as disagreement).
    private func prepareShadow(_ shadow: LoadedModel, champion: LoadedModel) -> Bool {
        guard shadow.inputs.count == champion.inputs.count,
              zip(shadow.inputs, champion.inputs).allSatisfy({ $0.byteCount == $1.byteCount && $0.type == $1.type }) else { return false }
        for index in 0..<champion.inputs.count {
            shadow.interpreter.inputBuffer(index).copyMemory(from: UnsafeRawBufferPointer(champion.interpreter.inputBuffer(index)))
        }
        return true
    }

    /// Copies the input tensors aside before `invoke` may overwrite them, for a possible capture.
    private func keepInputs(_ model: LoadedModel) {
        if kept.count < model.inputBytes {
            kept.deallocate()
            kept = .allocate(byteCount: model.inputBytes, alignment: 16)
        }
        var offset = 0
        for index in 0..<model.inputs.count {
            let buffer = model.interpreter.inputBuffer(index)
            (kept.baseAddress! + offset).copyMemory(from: buffer.baseAddress!, byteCount: buffer.count)
            offset += buffer.count
        }
    }

    private func considerCapture(_ capture: CaptureBuffer, model: LoadedModel, predicted: Int, score: Double, outliers: Int) {
        let policy = settings.capture
        guard policy.enabled else { return }
        let randomRate = effectiveRandomRate(policy)
        var reason: CaptureReason?
        if score < policy.confidenceBelow {
            reason = .lowConfidence
        } else if let sketch = model.sketch, Double(outliers) >= policy.driftFraction * Double(sketch.names.count), outliers > 0 {
            reason = .drift
        } else if randomRate > 0, nextRandom() < randomRate {
            reason = .random
        }
        guard let reason else { return }
        let inputs = UnsafeRawBufferPointer(rebasing: kept[0..<model.inputBytes])
        let accepted = budget.take(now: ConditionLock.now())
            && capture.offer(model, inputs: inputs, reason: reason, predicted: predicted, score: score)
        board.withState { state in
            if accepted { state.current.captured &+= 1 } else { state.current.overBudget &+= 1 }
        }
    }

    /// The random capture rate now: the configured one, or a raised one while it lasts. Rebuilds the budget when
    /// a raised capture begins or ends (rare), so the configured budget returns afterwards.
    private func effectiveRandomRate(_ policy: CaptureSettings) -> Double {
        if let captureOverride {
            let generation = captureOverride.generation
            if generation != overrideGeneration {
                overrideGeneration = generation
                raised = captureOverride.current
                budget = CaptureBudget(perHour: max(policy.maxPerHour, raised?.maxPerHour ?? 0), burst: policy.burst, now: ConditionLock.now())
            }
        }
        guard let current = raised else { return policy.randomRate }
        if ConditionLock.now() >= current.until {
            raised = nil
            budget = CaptureBudget(perHour: policy.maxPerHour, burst: policy.burst, now: ConditionLock.now())
            return policy.randomRate
        }
        return max(policy.randomRate, current.randomRate)
    }

    /// Output tensors back to the socket: 4-byte little-endian length, then every output's bytes.
    private func sendReply(_ model: LoadedModel) {
        var offset = 4
        for index in 0..<model.outputs.count {
            model.interpreter.withOutput(index) { bytes in
                (reply.baseAddress! + offset).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                offset += bytes.count
            }
        }
        reply.storeBytes(of: UInt32(offset - 4).littleEndian, toByteOffset: 0, as: UInt32.self)
        source.reply(UnsafeRawBufferPointer(rebasing: reply[0..<offset]))
    }

    /// Applies posted switches between two inferences.
    private func applySwitches() {
        for request in switchboard.take() {
            let start = clock.now
            switch request {
            case .promote(let handle, let statistics, let continuation):
                let previous = champion
                champion = handle.model
                if Self.replyBytes(champion) > reply.count {
                    reply.deallocate()
                    reply = .allocate(byteCount: Self.replyBytes(champion), alignment: 16)
                }
                capture?.prepare(for: champion)
                if kept.count < champion.inputBytes {
                    kept.deallocate()
                    kept = .allocate(byteCount: champion.inputBytes, alignment: 16)
                }
                board.switchModel(to: statistics)
                if let shadow { board.withState { $0.current.shadow = shadow.reference } }
                switchboard.served(champion.reference, shadow: shadow?.reference, macs: champion.interpreter.macs)
                continuation.resume(returning: SwitchResult(previous: ModelHandle(model: previous), pause: clock.now - start, stopped: false))
            case .shadow(let handle, let continuation):
                let previous = shadow
                shadow = handle?.model
                board.withState { state in
                    state.current.shadow = handle?.model.reference
                    state.shadowCompared = 0
                    state.shadowAgreed = 0
                }
                switchboard.served(champion.reference, shadow: shadow?.reference, macs: champion.interpreter.macs)
                continuation.resume(returning: SwitchResult(previous: previous.map(ModelHandle.init), pause: clock.now - start, stopped: false))
            }
        }
    }

    /// A uniform draw in 0..<1 (SplitMix64), allocation-free.
    private func nextRandom() -> Double {
        random.nextUnit()
    }

    private static func replyBytes(_ model: LoadedModel) -> Int {
        4 + model.outputs.reduce(0) { $0 + $1.byteCount }
    }
}
