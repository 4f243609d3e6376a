import FleetProtocol
import Logging
import MQTT
import Synchronization

/// One MQTT connection carrying many simulated devices (`edgectl fleet-sim --devices-per-connection N`): a
/// 100,000-device fleet on a few hundred connections instead of 100,000 sockets and threads.
///
/// Each device still has its own stream, queue, window and acknowledgements; only the socket is shared. The
/// connection subscribes for every device, connects, and routes each incoming message to the device its topic names.
/// What cannot be shared: the MQTT will (one per connection), so a killed simulator does not mark its devices offline.
public final class SharedConnection: Sendable {
    public let client: MQTTClient
    let logger: Logger
    private let devices = Mutex<[String: SimulatedDevice]>([:])

    public init(settings: SimulationSettings, index: Int, logger: Logger) throws(FleetSimError) {
        var configuration = MQTTConfiguration(host: settings.host, port: settings.port, clientID: "\(settings.prefix)-mux-\(settings.firstIndex)-\(index)")
        configuration.reconnectBackoff = .init(minimum: .milliseconds(200), maximum: .seconds(5))
        configuration.messageBufferSize = 65_536
        // Every device's window in flight at once, as if each had its own connection.
        configuration.sendMaximum = min(65_535, max(20, (settings.window + 1) * settings.devicesPerConnection))
        configuration.tcpNoDelay = true
        configuration.tls = settings.tls?.sharedConfiguration
        self.logger = logger
        do { client = try MQTTClient(configuration: configuration, logger: logger) } catch {
            throw FleetSimError(.invalidConfiguration, error.message)
        }
    }

    /// Routes messages for `device` to it.
    func attach(_ device: SimulatedDevice) {
        devices.withLock { $0[device.id] = device }
    }

    /// Subscribes for every attached device, connects (retrying), then routes messages until cancelled.
    func run() async {
        for device in devices.withLock({ Array($0.values) }) { try? await device.subscribe() }
        var attempt = 0
        while true {
            do {
                try await client.connect()
                break
            } catch {
                if Task.isCancelled { await client.shutdown(); return }
                try? await Task.sleep(for: client.configuration.reconnectBackoff.delay(attempt: attempt))
                attempt += 1
            }
        }
        for await message in client.messages {
            guard let parsed = try? FleetTopics.parse(message.topic), let device = devices.withLock({ $0[parsed.deviceID] }) else { continue }
            device.deliver(message)
        }
    }

    /// Waits until the connection is up (devices publish their status and birth on it).
    func waitUntilConnected() async {
        while !client.state.isConnected, !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
    }

    func shutdown() async {
        await client.shutdown()
    }
}
