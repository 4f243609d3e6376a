import Agent

/// The command line: a configuration file, overrides of its keys, and a few actions.
struct Arguments {
    var configPath: String?
    var overrides: [ConfigurationOverride] = []
    var checkOnly = false
    var showVersion = false
    var showHelp = false

    static let defaultConfigPath = "/etc/edge-agent/agent.json"

    static let usage = """
        usage: edge-agent [--config PATH] [options] [--set KEY=VALUE]...

          --config PATH              JSON configuration (default \(defaultConfigPath) when it exists)
          --device-id ID             deviceID
          --broker HOST[:PORT]       broker.host, broker.port
          --profile ID|PATH          profile (firmware profile)
          --profile-directory DIR    profileDirectory
          --state-directory DIR      stateDirectory
          --trusted-root-key PATH    trustedRootKey (root.pub)
          --trust-file PATH          trustFile (trust.json to start from)
          --initial-bundle PATH      initialBundle (factory bundle)
          --input SPEC               replay:PATH | socket:PATH | mqtt[:TOPIC]
          --telemetry-interval SEC   telemetry.intervalSeconds
          --log-level LEVEL          logLevel (trace … critical)
          --set KEY=VALUE            any key, dotted (e.g. queue.maxMessages=5000); VALUE is JSON or a string
          --check                    validate the configuration and exit
          --version, --help

        Exit status: 0 after a clean stop, 78 for an invalid configuration, 1 when start-up fails otherwise.
        """

    /// Parses `arguments` (without the program name).
    static func parse(_ arguments: [String]) throws(ConfigurationError) -> Arguments {
        var result = Arguments()
        var index = 0
        func value(_ flag: String) throws(ConfigurationError) -> String {
            index += 1
            guard index < arguments.count else { throw ConfigurationError(.invalidArgument, key: "", "\(flag) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--config": result.configPath = try value(argument)
            case "--device-id": result.overrides.append(.string("deviceID", try value(argument)))
            case "--broker":
                let text = try value(argument)
                if let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) {
                    result.overrides.append(.string("broker.host", String(text[..<colon])))
                    result.overrides.append(ConfigurationOverride(key: "broker.port", value: .number(Double(port))))
                } else {
                    result.overrides.append(.string("broker.host", text))
                }
            case "--profile": result.overrides.append(.string("profile", try value(argument)))
            case "--profile-directory": result.overrides.append(.string("profileDirectory", try value(argument)))
            case "--state-directory": result.overrides.append(.string("stateDirectory", try value(argument)))
            case "--trusted-root-key": result.overrides.append(.string("trustedRootKey", try value(argument)))
            case "--trust-file": result.overrides.append(.string("trustFile", try value(argument)))
            case "--initial-bundle": result.overrides.append(.string("initialBundle", try value(argument)))
            case "--input":
                let text = try value(argument)
                let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
                guard let type = parts.first, ["replay", "socket", "mqtt"].contains(type) else {
                    throw ConfigurationError(.invalidArgument, key: "input", "'\(text)' is not replay:PATH, socket:PATH or mqtt[:TOPIC]")
                }
                result.overrides.append(.string("input.type", type))
                if parts.count > 1 { result.overrides.append(.string(type == "mqtt" ? "input.topic" : "input.path", parts[1])) }
            case "--telemetry-interval":
                let text = try value(argument)
                guard let seconds = Double(text) else {
                    throw ConfigurationError(.invalidArgument, key: "telemetry.intervalSeconds", "'\(text)' is not a number of seconds")
                }
                result.overrides.append(ConfigurationOverride(key: "telemetry.intervalSeconds", value: .number(seconds)))
            case "--log-level": result.overrides.append(.string("logLevel", try value(argument)))
            case "--set": result.overrides.append(try ConfigurationOverride(parsing: try value(argument)))
            case "--check": result.checkOnly = true
            case "--version": result.showVersion = true
            case "--help", "-h": result.showHelp = true
            default:
                throw ConfigurationError(.invalidArgument, key: "", "unknown argument '\(argument)' (see --help)")
            }
            index += 1
        }
        return result
    }
}
