import Bundles
import FleetProtocol
#if canImport(Glibc)
import Glibc
#endif

extension AgentConfiguration {
    /// Checks ranges, and that the files the agent needs at start-up exist and parse.
    public func validate() throws(ConfigurationError) {
        do { try FleetProtocol.validateDeviceID(deviceID) } catch {
            throw ConfigurationError(.invalidValue, key: "deviceID", error.message)
        }
        try require(!broker.host.isEmpty, "broker.host", "must name the broker's host or IP address")
        try require((1...65535).contains(broker.port), "broker.port", "must be within 1…65535, got \(broker.port)")
        try require(broker.keepAliveSeconds == 0 || broker.keepAliveSeconds >= 5, "broker.keepAliveSeconds",
                    "must be 0 (off) or at least 5, got \(broker.keepAliveSeconds)")
        try require(broker.reconnectMinimumSeconds > 0 && broker.reconnectMinimumSeconds <= broker.reconnectMaximumSeconds,
                    "broker.reconnectMinimumSeconds", "must be above 0 and at most reconnectMaximumSeconds")
        try require(broker.passwordFile == nil || broker.username != nil, "broker.passwordFile", "needs broker.username")
        for (key, path) in [("broker.passwordFile", broker.passwordFile), ("broker.caFile", broker.caFile),
                            ("broker.certFile", broker.certFile), ("broker.keyFile", broker.keyFile),
                            ("trustFile", trustFile), ("initialBundle", initialBundle)] {
            if let path { try requireReadable(path, key) }
        }
        try require((broker.certFile == nil) == (broker.keyFile == nil), "broker.certFile", "certFile and keyFile go together")
        try require(broker.certFile == nil || broker.caFile != nil, "broker.caFile", "mutual TLS needs the CA file too")
        _ = try loadProfile()
        _ = try loadRootKey()
        try validateInput()
        if let topic = output.topic { try validateTopic(topic, "output.topic") }
        try require(output.socket == false || input.type == .socket, "output.socket", "answers on the input socket: needs input.type socket")
        try require(telemetry.intervalSeconds >= 0.05 && telemetry.intervalSeconds <= 86_400, "telemetry.intervalSeconds",
                    "must be within 0.05…86400, got \(telemetry.intervalSeconds)")
        try require(queue.maxMessages >= 10, "queue.maxMessages", "must be at least 10, got \(queue.maxMessages)")
        try require(queue.maxBytes >= 65_536, "queue.maxBytes", "must be at least 65536, got \(queue.maxBytes)")
        try require((1...1024).contains(queue.window), "queue.window", "must be within 1…1024, got \(queue.window)")
        try require(queue.resendAfterSeconds >= 0.1, "queue.resendAfterSeconds", "must be at least 0.1")
        try require(capture.maxPerHour >= 0, "capture.maxPerHour", "must not be negative")
        try require(capture.burst >= 1, "capture.burst", "must be at least 1")
        try require((0...1).contains(capture.confidenceBelow), "capture.confidenceBelow", "must be within 0…1")
        try require((0...1).contains(capture.driftFraction), "capture.driftFraction", "must be within 0…1")
        try require((0...1).contains(capture.randomRate), "capture.randomRate", "must be within 0…1")
        try require(capture.remember >= 1, "capture.remember", "must be at least 1")
        try require(thermal.pollSeconds >= 0.05 && thermal.pollSeconds <= 3600, "thermal.pollSeconds", "must be within 0.05…3600, got \(thermal.pollSeconds)")
        try require(thermal.hysteresisCelsius >= 0 && thermal.hysteresisCelsius <= 50, "thermal.hysteresisCelsius", "must be within 0…50")
        try require(thermal.throttledFrameIntervalMilliseconds > 0 && thermal.throttledFrameIntervalMilliseconds <= 60_000,
                    "thermal.throttledFrameIntervalMilliseconds", "must be within 0…60000 (exclusive of 0)")
        try require(!thermal.sensorPath.isEmpty, "thermal.sensorPath", "must name the sensor file")
        if let throttle = thermal.throttleCelsius, let critical = thermal.criticalCelsius {
            try require(throttle < critical, "thermal.throttleCelsius", "must be below thermal.criticalCelsius")
        }
        try require(update.probationSeconds >= 0, "update.probationSeconds", "must not be negative")
        try require((0...1).contains(update.maxErrorRate), "update.maxErrorRate", "must be within 0…1")
        try require(update.minimumProbationSamples >= 0, "update.minimumProbationSamples", "must not be negative")
        try require(update.latencyBudgetMilliseconds.map { $0 > 0 } ?? true, "update.latencyBudgetMilliseconds", "must be above 0")
        try require(update.chunkTimeoutSeconds >= 0.1, "update.chunkTimeoutSeconds", "must be at least 0.1")
        try require(update.maxBundleBytes >= 1024, "update.maxBundleBytes", "must be at least 1024")
        try require(update.maxAttempts >= 1, "update.maxAttempts", "must be at least 1")
        try require(update.downloadMinimumBytesPerSecond >= 1, "update.downloadMinimumBytesPerSecond",
                    "must be at least 1, got \(update.downloadMinimumBytesPerSecond)")
        try require(update.downloadGraceSeconds >= 0 && update.downloadGraceSeconds <= 86_400, "update.downloadGraceSeconds",
                    "must be within 0…86400, got \(update.downloadGraceSeconds)")
        try require(update.downloadStallSeconds >= 0.5 && update.downloadStallSeconds <= 86_400, "update.downloadStallSeconds",
                    "must be within 0.5…86400, got \(update.downloadStallSeconds)")
        try require(Self.logLevels.contains(logLevel), "logLevel", "must be one of \(Self.logLevels.joined(separator: ", "))")
        try require(stateDirectory.hasPrefix("/"), "stateDirectory", "must be an absolute path")
    }

    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// The firmware profile named by ``profile``.
    public func loadProfile() throws(ConfigurationError) -> FirmwareProfile {
        do { return try FirmwareProfile.load(profile, directory: profileDirectory) } catch {
            throw ConfigurationError(.invalidValue, key: "profile",
                "cannot load firmware profile '\(profile)' (looked in \(profileDirectory)): \(error.message)")
        }
    }

    /// The pinned root public key.
    public func loadRootKey() throws(ConfigurationError) -> VerifyingKey {
        do { return try VerifyingKey(fileContents: try FileIO.read(trustedRootKey)) } catch {
            throw ConfigurationError(.invalidValue, key: "trustedRootKey",
                "cannot use \(trustedRootKey) as the root public key: \(error.message)")
        }
    }

    /// The broker password from ``BrokerSettings/passwordFile`` (first line), if any.
    public func loadPassword() throws(ConfigurationError) -> String? {
        do { return try broker.connection.readPassword() } catch {
            throw ConfigurationError(.invalidValue, key: "broker.passwordFile", "cannot read \(broker.passwordFile ?? ""): \(error.message)")
        }
    }

    /// The topic MQTT inputs arrive on.
    public var inputTopic: String { input.topic ?? "\(FleetProtocol.topicRoot)/dev/\(deviceID)/\(TopicKind.input.rawValue)" }

    /// The topic predictions are published to.
    public var predictionsTopic: String {
        output.topic ?? "\(FleetProtocol.topicRoot)/dev/\(deviceID)/\(TopicKind.predictions.rawValue)"
    }

    private func validateInput() throws(ConfigurationError) {
        try require(input.maxFrameBytes >= 16 && input.maxFrameBytes <= 1 << 30, "input.maxFrameBytes", "must be within 16…1073741824")
        try require(input.bufferFrames >= 1 && input.bufferFrames <= 65_536, "input.bufferFrames", "must be within 1…65536")
        try require(input.rate >= 0 && input.rate <= 1_000_000, "input.rate", "must be within 0…1000000 frames per second")
        switch input.type {
        case .replay:
            guard let path = input.path else { throw ConfigurationError(.missing, key: "input.path", "replay needs a file or directory") }
            try require(FileIO.exists(path), "input.path", "\(path) does not exist")
        case .socket:
            guard let path = input.path else { throw ConfigurationError(.missing, key: "input.path", "socket needs the socket's path") }
            try require(path.utf8.count < 100, "input.path", "a Unix socket path must be shorter than 100 bytes")
            let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            try require(parent.isEmpty || FileIO.isDirectory(parent), "input.path", "directory \(parent) does not exist")
        case .mqtt:
            try validateTopic(inputTopic, "input.topic")
        }
    }

    private func validateTopic(_ topic: String, _ key: String) throws(ConfigurationError) {
        try require(!topic.isEmpty && !topic.contains("+") && !topic.contains("#"), key, "must be a topic without wildcards")
    }

    private func requireReadable(_ path: String, _ key: String) throws(ConfigurationError) {
        try require(access(path, R_OK) == 0, key, "\(path) is missing or not readable")
    }

    private func require(_ condition: Bool, _ key: String, _ reason: @autoclosure () -> String) throws(ConfigurationError) {
        if !condition { throw ConfigurationError(.invalidValue, key: key, reason()) }
    }
}
