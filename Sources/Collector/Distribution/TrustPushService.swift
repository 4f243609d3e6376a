import Bundles
import FleetProtocol
import Logging
import MQTT
import ServiceLifecycle

/// Pushes the newest trust file to every device with the fleet protocol's `trust` command: a root or release-key
/// rotation, a revocation or an expiry refresh (`edgectl keys rotate|revoke|refresh`) reaches the fleet once the
/// operator installs the new file where the collector reads its trust (`trust.trustFiles`, or
/// `<stateDirectory>/trust/trust.json`).
///
/// Every `interval` it re-reads the files; a newer version (checked against the pinned root first, so nothing
/// unsigned is ever pushed) is published at QoS 1 to every known device, and devices first seen later get it on the
/// next pass. Agents apply a file once (the same version again is a no-op) and refuse older or expired ones.
final class TrustPushService: Service, Sendable {
    let client: MQTTClient
    let store: any FleetStore
    let trust: TrustSettings
    let clock: any WallClock
    let interval: Duration
    let logger: Logger

    init(client: MQTTClient, store: any FleetStore, trust: TrustSettings, clock: any WallClock, interval: Duration = .seconds(5), logger: Logger) {
        self.client = client
        self.store = store
        self.trust = trust
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    func run() async throws {
        var state = TrustPushState()
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await pass(&state)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }

    /// One pass: the newest valid trust file, and the devices that have not been sent its version yet.
    func pass(_ state: inout TrustPushState) async {
        guard let file = newestTrustFile(), client.state.isConnected else { return }
        let version = file.document.version
        let devices: [String]
        do { devices = try await store.devices(DeviceFilter()).map(\.id) } catch {
            logger.warning("listing devices for the trust push failed", metadata: ["error": "\(error)"])
            return
        }
        let pending = state.pending(version: version, devices: devices)
        guard !pending.isEmpty, let bytes = try? file.encoded() else { return }
        let command: [UInt8]
        do { command = try FleetCodec.encode(Command(id: "trust-v\(version)", type: .trust, trustFile: bytes)) } catch {
            logger.error("encoding the trust command failed", metadata: ["error": "\(error)"])
            return
        }
        var sent: [String] = []
        for device in pending {
            guard let topics = try? DeviceTopics(deviceID: device) else { continue }
            do {
                try await client.publish(topic: topics.commands, payload: command, qos: .atLeastOnce)
                sent.append(device)
            } catch {
                logger.warning("pushing the trust file failed", metadata: ["device": "\(device)", "version": "\(version)", "error": "\(error)"])
            }
        }
        state.markSent(version: version, devices: sent)
        if !sent.isEmpty {
            logger.info("trust file pushed", metadata: ["version": "\(version)", "devices": "\(sent.count)"])
            try? await store.record(CollectorEvent(name: "trust.pushed", details: ["version": "\(version)", "devices": "\(sent.count)"]),
                                    at: clock.now())
        }
    }

    /// The newest configured trust file that chains from the pinned root, or nil (none configured, or invalid).
    func newestTrustFile() -> TrustFile? {
        guard let rootPath = trust.rootPublicKey, !trust.trustFiles.isEmpty else { return nil }
        do {
            var store = TrustStore(pinnedRoot: try VerifyingKey(fileContents: try FileIO.read(rootPath)))
            try store.accept(chain: try trust.trustFiles.map(TrustFile.load))
            return store.current
        } catch {
            logger.warning("the configured trust files do not verify; nothing pushed", metadata: ["error": "\(error)"])
            return nil
        }
    }
}

/// Which devices were sent which trust-file version: a value, apart from the pushing.
struct TrustPushState: Sendable, Equatable {
    private(set) var version: UInt64 = 0
    private(set) var sent: Set<String> = []

    /// Devices still to be sent `version` (all of them when the version is new).
    func pending(version: UInt64, devices: [String]) -> [String] {
        version == self.version ? devices.filter { !sent.contains($0) } : devices
    }

    mutating func markSent(version: UInt64, devices: [String]) {
        if version != self.version {
            self.version = version
            sent = []
        }
        sent.formUnion(devices)
    }
}
