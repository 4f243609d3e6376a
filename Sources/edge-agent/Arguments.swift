import Agent
import ArgumentParser

/// The command line (swift-argument-parser, like `edgectl`): a configuration file, overrides of its keys, and
/// a few actions.
///
/// Parsing only; `EdgeAgentMain` runs the agent. Every flag turns into a ``ConfigurationOverride`` of a dotted
/// configuration key, applied on top of the file: the named flags first (in the order of `--help`), then every
/// `--set` in the order given, so an explicit `--set` wins over a flag for the same key.
struct Arguments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge-agent",
        abstract: "The EdgeFleet on-device daemon: inference, telemetry, capture and over-the-air updates (docs/agent.md)."
    )

    static let defaultConfigPath = "/etc/edge-agent/agent.json"

    @Option(name: .customLong("config"), help: ArgumentHelp("JSON configuration (default \(defaultConfigPath) when it exists).", valueName: "path"))
    var configPath: String?

    @Option(name: .customLong("device-id"), help: ArgumentHelp("deviceID", valueName: "id"))
    var deviceID: String?

    @Option(name: .customLong("broker"), help: ArgumentHelp("broker.host, broker.port", valueName: "host[:port]"))
    var broker: String?

    @Option(name: .customLong("profile"), help: ArgumentHelp("profile (firmware profile)", valueName: "id|path"))
    var profile: String?

    @Option(name: .customLong("profile-directory"), help: ArgumentHelp("profileDirectory", valueName: "dir"))
    var profileDirectory: String?

    @Option(name: .customLong("state-directory"), help: ArgumentHelp("stateDirectory", valueName: "dir"))
    var stateDirectory: String?

    @Option(name: .customLong("trusted-root-key"), help: ArgumentHelp("trustedRootKey (root.pub)", valueName: "path"))
    var trustedRootKey: String?

    @Option(name: .customLong("trust-file"), help: ArgumentHelp("trustFile (trust.json to start from)", valueName: "path"))
    var trustFile: String?

    @Option(name: .customLong("initial-bundle"), help: ArgumentHelp("initialBundle (factory bundle)", valueName: "path"))
    var initialBundle: String?

    @Option(name: .customLong("input"), help: ArgumentHelp("replay:PATH | socket:PATH | mqtt[:TOPIC]", valueName: "spec"))
    var input: String?

    @Option(name: .customLong("telemetry-interval"), help: ArgumentHelp("telemetry.intervalSeconds", valueName: "sec"))
    var telemetryInterval: String?

    @Option(name: .customLong("log-level"), help: ArgumentHelp("logLevel (trace … critical)", valueName: "level"))
    var logLevel: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Any key, dotted (e.g. queue.maxMessages=5000); VALUE is JSON or a string.",
                                                         valueName: "key=value"))
    var settings: [String] = []

    @Flag(name: .customLong("check"), help: "Validate the configuration and exit.")
    var checkOnly = false

    @Flag(name: .customLong("version"), help: "Print the agent's version and exit.")
    var showVersion = false

    /// The text of `--help`.
    static var usage: String {
        helpMessage(columns: 100) + """

            Exit status: 0 after a clean stop, 78 for an invalid configuration or arguments, 1 when start-up fails otherwise.
            """
    }

    /// The configuration keys the flags set, in the order they apply.
    func overrides() throws(ConfigurationError) -> [ConfigurationOverride] {
        var result: [ConfigurationOverride] = []
        if let deviceID { result.append(.string("deviceID", deviceID)) }
        if let broker {
            if let colon = broker.lastIndex(of: ":"), let port = Int(broker[broker.index(after: colon)...]) {
                result.append(.string("broker.host", String(broker[..<colon])))
                result.append(ConfigurationOverride(key: "broker.port", value: .number(Double(port))))
            } else {
                result.append(.string("broker.host", broker))
            }
        }
        if let profile { result.append(.string("profile", profile)) }
        if let profileDirectory { result.append(.string("profileDirectory", profileDirectory)) }
        if let stateDirectory { result.append(.string("stateDirectory", stateDirectory)) }
        if let trustedRootKey { result.append(.string("trustedRootKey", trustedRootKey)) }
        if let trustFile { result.append(.string("trustFile", trustFile)) }
        if let initialBundle { result.append(.string("initialBundle", initialBundle)) }
        if let input {
            let parts = input.split(separator: ":", maxSplits: 1).map(String.init)
            guard let type = parts.first, ["replay", "socket", "mqtt"].contains(type) else {
                throw ConfigurationError(.invalidArgument, key: "input", "'\(input)' is not replay:PATH, socket:PATH or mqtt[:TOPIC]")
            }
            result.append(.string("input.type", type))
            if parts.count > 1 { result.append(.string(type == "mqtt" ? "input.topic" : "input.path", parts[1])) }
        }
        if let telemetryInterval {
            guard let seconds = Double(telemetryInterval) else {
                throw ConfigurationError(.invalidArgument, key: "telemetry.intervalSeconds", "'\(telemetryInterval)' is not a number of seconds")
            }
            result.append(ConfigurationOverride(key: "telemetry.intervalSeconds", value: .number(seconds)))
        }
        if let logLevel { result.append(.string("logLevel", logLevel)) }
        for setting in settings { result.append(try ConfigurationOverride(parsing: setting)) }
        return result
    }
}
