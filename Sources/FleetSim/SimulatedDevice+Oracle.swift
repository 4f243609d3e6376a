import Drift
import FleetProtocol
import FleetSupport

extension SimulatedDevice {
    /// A captured sample whose true label is reported once `due` (milliseconds since the epoch) has passed.
    struct PendingLabel: Sendable {
        var sampleID: String
        var label: Int
        var predicted: Int
        var digest: String?
        var due: Int64
    }

    /// What one report's rows did: predictions and confidences per class, and the samples captured from them.
    struct Observation {
        var predictions: [UInt64]
        var confidence: [UInt64]?
        var samples: [SampleRecord] = []
    }

    /// Runs the served model (or the perfect-model stand-in) on the report's rows, and captures some of them with
    /// their true conditions for the labelling oracle.
    func observe(_ state: inout State, rows: [[Double]], conditions: [Int], now: Int64, classes: Int) -> Observation {
        var predictions = [UInt64](repeating: 0, count: classes)
        var confidence: [UInt64]? = state.classifier == nil ? nil : [UInt64](repeating: 0, count: 10)
        var observation = Observation(predictions: [])
        let scenario = settings.drift?.scenario ?? VibrationScenario()
        let rate = captureRate(&state, now: now)
        for (row, truth) in zip(rows, conditions) {
            let predicted: Int, score: Double
            if let classifier = state.classifier {
                (predicted, score) = classifier.predict(row)
                confidence?[min(9, max(0, Int(score * 10)))] += 1
            } else {
                (predicted, score) = (scenario.condition(of: row), 1)
            }
            if predicted >= 0, predicted < classes { predictions[predicted] += 1 }
            guard let oracle = settings.oracle, rate > 0, observation.samples.count < oracle.maximumPerReport,
                  state.random.nextUnit() < rate else { continue }
            state.sampleCounter += 1
            let sampleID = "\(id)-\(stream)-\(now)-\(state.sampleCounter)"
            let bytes = Float32Bytes.littleEndian(row)
            let tensor = CapturedTensor(dtype: "float32", shape: [1, row.count], length: bytes.count, compression: "none", data: bytes)
            observation.samples.append(SampleRecord(sampleID: sampleID, bundle: state.bundle, reason: .random, predictedClass: predicted,
                                                    confidence: score, inputs: [tensor], output: []))
            state.pendingLabels.append(PendingLabel(sampleID: sampleID, label: truth, predicted: predicted, digest: state.bundle?.digest,
                                                    due: now + Int64(oracle.labelDelaySeconds * 1000)))
            state.captureCounts.captured += 1
        }
        observation.predictions = predictions
        observation.confidence = confidence
        return observation
    }

    /// The share of rows captured now: the oracle's own rate, or a collector's raised rate while it lasts.
    private func captureRate(_ state: inout State, now: Int64) -> Double {
        var rate = settings.oracle?.captureRate ?? 0
        if let raised = state.raisedCapture {
            if now < raised.until { rate = max(rate, raised.randomRate) } else { state.raisedCapture = nil }
        }
        return rate
    }

    /// Labels whose delay has passed, removed from the pending list and counted.
    func takeDueLabels(now: Int64) -> [LabelRecord] {
        state.withLock { state in
            let due = state.pendingLabels.filter { $0.due <= now }
            guard !due.isEmpty else { return [] }
            state.pendingLabels.removeAll { $0.due <= now }
            return due.map { pending in
                state.captureCounts.labeled += 1
                if pending.label == pending.predicted { state.captureCounts.correct += 1 }
                return LabelRecord(sampleID: pending.sampleID, label: pending.label, matched: true, predictedClass: pending.predicted,
                                   correct: pending.label == pending.predicted, bundleDigest: pending.digest)
            }
        }
    }

    /// Applies a `capture` command: a raised capture rate until the request's duration has passed.
    func raiseCapture(_ request: CaptureRequest) {
        guard (try? request.validate()) != nil else { return }
        state.withLock { state in
            state.raisedCapture = (randomRate: request.randomRate, until: Self.now() + Int64(request.durationSeconds) * 1000)
        }
    }
}
