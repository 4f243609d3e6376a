import FleetProtocol
import Logging
import MQTT
import ServiceLifecycle
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Runs the inference loop on its own thread, and publishes predictions when the MQTT output is on.
///
/// Stops after the update service (which may be waiting for a switch) and before capture and telemetry,
/// which then flush what the loop counted last.
final class InferenceService: Service {
    private let loop: InferenceLoop
    private let client: MQTTClient
    private let predictionsTopic: String?
    private let logger: Logger

    init(loop: InferenceLoop, client: MQTTClient, predictionsTopic: String?, logger: Logger) {
        self.loop = loop
        self.client = client
        self.predictionsTopic = predictionsTopic
        self.logger = logger
    }

    func run() async throws {
        let loop = self.loop
        logger.info("inference loop starting", metadata: ["bundle": "\(loop.switchboard.serving.name) \(loop.switchboard.serving.version)"])
        await withTaskCancellationOrGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                if let topic = predictionsTopic, let predictions = loop.predictions {
                    group.addTask { await self.publishPredictions(predictions, topic: topic) }
                }
                await DedicatedThread.run(name: "inference") { loop.run() }
                group.cancelAll()
            }
        } onCancelOrGracefulShutdown: {
            loop.requestStop()
        }
        logger.info("inference loop stopped")
    }

    /// Every 50 ms, one QoS 0 message with the predictions made since the last one.
    private func publishPredictions(_ predictions: PredictionBuffer, topic: String) async {
        struct Batch: Encodable {
            var bundle: String
            /// `[number, class, score]` per inference.
            var predictions: [[Double]]
        }
        let encoder = JSONEncoder()
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
            let batch = predictions.drain()
            guard !batch.isEmpty, client.state.isConnected else { continue }
            let body = Batch(bundle: loop.switchboard.serving.digest,
                             predictions: batch.map { [Double($0.number), Double($0.predicted), Double($0.score)] })
            guard let payload = try? encoder.encode(body) else { continue }
            try? await client.publish(topic: topic, payload: Array(payload), qos: .atMostOnce)
        }
    }
}
