import FleetProtocol
import MQTT

/// Sends each received MQTT message to the service that handles its topic.
///
/// Handlers run on the connection service's dispatch task and must return quickly (hand over, don't work).
struct MessageRouter: Sendable {
    var topics: DeviceTopics
    var inputTopic: String?
    var acknowledgement: @Sendable ([UInt8]) -> Void
    var command: @Sendable ([UInt8]) -> Void
    var feedback: @Sendable ([UInt8]) -> Void
    var chunk: @Sendable (_ digest: String, _ index: Int, _ bytes: [UInt8]) -> Void
    var input: @Sendable ([UInt8]) -> Void

    /// The filters to subscribe to.
    var subscriptions: [String] {
        [topics.ack, topics.commands, topics.feedback, topics.bundleChunkFilter] + (inputTopic.map { [$0] } ?? [])
    }

    func route(_ message: MQTTMessage) {
        let topic = message.topic
        if topic == inputTopic {
            input(message.payload)
        } else if topic == topics.ack {
            acknowledgement(message.payload)
        } else if topic == topics.commands {
            command(message.payload)
        } else if topic == topics.feedback {
            feedback(message.payload)
        } else if topic.hasPrefix("\(topics.base)/bundle/"), let parsed = try? FleetTopics.parse(topic), let chunk = parsed.chunk {
            self.chunk(chunk.digest, chunk.index, message.payload)
        }
    }
}
