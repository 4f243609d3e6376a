#if canImport(Glibc)
import Glibc
#endif
import Bundles
import FleetProtocol
import Logging
import MQTT
import ServiceLifecycle

/// The agent, assembled: state directory opened, interrupted update settled, serving model loaded and verified,
/// services wired in dependency order.
///
/// `init` does the synchronous start-up work (files, verification, interpreter) and starts nothing; run
/// ``services`` in a `ServiceGroup`, in the order given. Start order is dependency order; a graceful shutdown
/// stops them in reverse: watchdog (STOPPING=1), update, inference loop, capture and telemetry (final flush into
/// the disk queue), uplink, and the MQTT connection last (offline status, disconnect).
public final class EdgeAgent: Sendable {
    /// The services, in start order.
    public let services: [any Service]
    /// The serving bundle at start-up.
    public let initialBundle: BundleReference
    /// The topics this device uses.
    public let topics: DeviceTopics

    public init(configuration: AgentConfiguration, logger: Logger, notifier: SystemdNotifier = .fromProcessEnvironment(),
                metrics: @escaping @Sendable () -> [String: Double] = { [:] }) throws {
        let profile = try configuration.loadProfile()
        let rootKey = try configuration.loadRootKey()
        let password = try configuration.loadPassword()
        let topics = try DeviceTopics(deviceID: configuration.deviceID)
        self.topics = topics
        let slots = try SlotStore(root: configuration.stateDirectory)
        let queue = try DiskQueue(directory: slots.queueDirectory, device: configuration.deviceID,
                                  maxMessages: configuration.queue.maxMessages, maxBytes: configuration.queue.maxBytes)
        let outbox = Outbox(queue: queue, topics: topics, logger: logger)
        let trust = try slots.trustStore(root: rootKey, seed: configuration.trustFile)
        guard trust.current != nil else {
            throw ConfigurationError(.missing, key: "trustFile", "the state directory holds no trust file yet; set trustFile to the trust.json of `edgectl keys init`")
        }
        let resume = try UpdateRecovery.settle(slots: slots, outbox: outbox, logger: logger)
        let (model, source) = try UpdateRecovery.loadServingModel(slots: slots, trust: trust, profile: profile,
                                                                 initialBundle: configuration.initialBundle, outbox: outbox, logger: logger)
        initialBundle = model.reference
        logger.info("serving model loaded", metadata: [
            "bundle": "\(model.reference.name) \(model.reference.version)", "digest": "\(model.reference.digest)",
            "source": "\(source)", "arena-bytes": "\(model.interpreter.arenaBytes)",
        ])
        outbox.event(DeviceEvent(name: .agentStarted, details: [
            "bundle": model.reference.digest, "source": source, "agentVersion": AgentVersion.current,
        ]))

        let board = StatisticsBoard(initial: IntervalStatistics(model: model, startedAt: SystemProbe.nowMilliseconds(), started: .now))
        let switchboard = ModelSwitchboard(serving: model.reference, macs: model.interpreter.macs)
        let frames = configuration.input.type == .mqtt ? FrameQueue(capacity: configuration.input.bufferFrames, maxFrameBytes: configuration.input.maxFrameBytes) : nil
        let inputSource: any InputSource
        do {
            switch configuration.input.type {
            case .replay:
                inputSource = try ReplaySource(path: configuration.input.path ?? "", rate: configuration.input.rate,
                                               loop: configuration.input.loop, maxFrameBytes: configuration.input.maxFrameBytes)
            case .socket:
                inputSource = try SocketSource(path: configuration.input.path ?? "", maxFrameBytes: configuration.input.maxFrameBytes)
            case .mqtt:
                inputSource = MessageSource(queue: frames!)
            }
        } catch {
            throw ConfigurationError(.invalidValue, key: "input.path", error.message)
        }
        let predictions = configuration.output.mqtt ? PredictionBuffer() : nil
        let capture = configuration.capture.enabled ? CaptureBuffer() : nil
        let captureOverride = capture == nil ? nil : CaptureOverride()
        let thermalLimits = try ThermalGovernor.Limits(profile: profile.thermal, settings: configuration.thermal)
        let thermal = ThermalControl(throttledFrameIntervalNanoseconds: UInt64(configuration.thermal.throttledFrameIntervalMilliseconds * 1_000_000))
        let loop = InferenceLoop(
            model: model, source: inputSource,
            settings: .init(format: configuration.input.format, replyOnSocket: configuration.output.socket, capture: configuration.capture),
            board: board, switchboard: switchboard, predictions: predictions, capture: capture, captureOverride: captureOverride,
            thermal: thermal)

        let client = try MQTTClient(configuration: Self.mqttConfiguration(configuration, password: password, topics: topics, outbox: outbox,
                                                                         serving: model.reference.digest),
                                    logger: logger)
        let uplink = UplinkService(client: client, queue: queue, window: configuration.queue.window,
                                   resendAfter: .milliseconds(Int64(configuration.queue.resendAfterSeconds * 1000)), logger: logger)
        let captureService = capture.map { CaptureService(buffer: $0, outbox: outbox, remember: configuration.capture.remember, logger: logger) }
        if !FaultInjection.compiledIn, getenv("EDGE_AGENT_HOLD_AFTER") != nil {
            logger.warning("EDGE_AGENT_HOLD_AFTER ignored: this agent was built without EDGEFLEET_TEST_HOOKS=1")
        }
        let update = UpdateService(
            dependencies: .init(slots: slots, profile: profile, settings: configuration.update, switchboard: switchboard, board: board,
                                outbox: outbox, client: client, chunks: ChunkInbox(), fault: .fromEnvironment(), logger: logger),
            trust: trust, resume: resume, captureOverride: captureOverride)
        let startedAt = SystemProbe.nowMilliseconds()
        let hardware = SystemProbe.hardware()
        let inputType = configuration.input.type.rawValue
        let interval = configuration.telemetry.intervalSeconds
        let profileID = profile.id
        let router = MessageRouter(
            topics: topics, inputTopic: configuration.input.type == .mqtt ? configuration.inputTopic : nil,
            acknowledgement: { uplink.acknowledge($0) },
            command: { update.receive(command: $0) },
            feedback: { payload in captureService?.feedback(payload) },
            chunk: { digest, index, bytes in update.receive(chunk: bytes, digest: digest, index: index) },
            input: { frames?.push($0) })
        let connection = ConnectionService(
            client: client, router: router, outbox: outbox,
            birth: {
                Birth(agentVersion: AgentVersion.current, profile: profileID, bundle: switchboard.serving, hardware: hardware,
                      startedAt: startedAt, telemetryIntervalSeconds: interval, input: inputType)
            },
            servingDigest: { switchboard.serving.digest }, logger: logger)
        let telemetry = TelemetryService(
            board: board, outbox: outbox, interval: .milliseconds(Int64(interval * 1000)),
            feedback: { captureService?.takeCounts() ?? CaptureStatistics() },
            counters: {
                // Received messages the MQTT client discarded (its buffer was full: a flood): counted, never logged each.
                var values = metrics()
                values["edge_agent_mqtt_received_dropped_total"] = Double(client.droppedMessageCount)
                return values
            }, thermal: thermal, logger: logger)
        let thermalService = ThermalService(settings: configuration.thermal, limits: thermalLimits, control: thermal, outbox: outbox, logger: logger)
        let inference = InferenceService(loop: loop, client: client,
                                         predictionsTopic: configuration.output.mqtt ? configuration.predictionsTopic : nil, logger: logger)
        let watchdog = WatchdogService(notifier: notifier, loop: loop, status: {
            let serving = switchboard.serving
            let queued = queue.status
            return "serving \(serving.name) \(serving.version); \(client.state.isConnected ? "connected" : "offline"); queue \(queued.depth)"
        }, logger: logger)

        // The thermal service starts before telemetry so the first report already carries a reading.
        var services: [any Service] = [connection, uplink, thermalService, telemetry]
        if let captureService { services.append(captureService) }
        services += [inference, update, watchdog] as [any Service]
        self.services = services
    }

    /// The client: clean session off (commands and chunks queued by the broker survive a short outage), a
    /// retained `offline` status as the Last Will.
    static func mqttConfiguration(_ configuration: AgentConfiguration, password: String?, topics: DeviceTopics, outbox: Outbox,
                                  serving: String) -> MQTTConfiguration {
        let broker = configuration.broker
        var mqtt = broker.connection.makeConfiguration(clientID: configuration.deviceID, password: password)
        mqtt.cleanStart = false
        mqtt.sessionExpiry = .seconds(3600)
        mqtt.reconnectBackoff = .init(minimum: .milliseconds(Int64(broker.reconnectMinimumSeconds * 1000)),
                                      maximum: .milliseconds(Int64(broker.reconnectMaximumSeconds * 1000)))
        mqtt.will = .init(topic: topics.status,
                          payload: outbox.direct(DeviceStatus(state: .offline, reason: "lost", bundleDigest: serving)),
                          qos: .atLeastOnce, retain: true)
        return mqtt
    }
}
