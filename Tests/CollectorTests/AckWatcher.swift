import FleetProtocol
import MQTT
import Synchronization

/// Collects the acknowledgements a raw test client receives, so tests can poll for them.
final class AckWatcher: Sendable {
    /// The received acknowledgements, shared with the reading task.
    final class Received: Sendable {
        let list = Mutex<[Acknowledgement]>([])
        /// The highest acknowledged number per device (from the topic), for clients that watch several devices.
        let highestPerDevice = Mutex<[String: UInt64]>([:])
    }

    private let received = Received()
    private let task: Task<Void, Never>

    init(_ client: MQTTClient) {
        let received = self.received
        task = Task {
            for await message in client.messages {
                if let ack = try? FleetCodec.decode(Acknowledgement.self, from: message.payload) {
                    received.list.withLock { $0.append(ack) }
                    if let device = try? FleetTopics.parse(message.topic).deviceID {
                        received.highestPerDevice.withLock { $0[device] = max($0[device] ?? 0, ack.seq) }
                    }
                }
            }
        }
    }

    deinit { task.cancel() }

    var all: [Acknowledgement] { received.list.withLock { $0 } }
    var highest: UInt64 { all.map(\.seq).max() ?? 0 }
    var highestPerDevice: [String: UInt64] { received.highestPerDevice.withLock { $0 } }

    func clear() {
        received.list.withLock { $0.removeAll() }
        received.highestPerDevice.withLock { $0.removeAll() }
    }
}
