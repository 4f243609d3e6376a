import ArgumentParser
import Foundation

/// `edgectl rollout create|status|pause|resume|abort|promote`: staged rollouts through the collector's API.
struct RolloutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Create and operate staged rollouts on the collector (docs/rollouts.md).",
        subcommands: [Create.self, Status.self, Pause.self, Resume.self, Abort.self, Promote.self])

    /// Where the collector is and how to authenticate.
    struct Connection: ParsableArguments {
        @Option(help: "The collector's base URL.")
        var url = "http://127.0.0.1:8080"

        @Option(help: "An API token (admin to change rollouts); default $EDGEFLEET_TOKEN.")
        var token: String?

        @Flag(help: "Print the collector's JSON answer.")
        var json = false

        var client: CollectorClient { CollectorClient(url: url, token: token) }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a rollout of a blessed version to a target.")

        @OptionGroup var connection: Connection
        @Option(help: "The model's name.") var model: String
        @Option(help: "A release counter, an alias or latest.") var version: String
        @Option(name: .customLong("profile"), help: "Target devices of this firmware profile (repeatable).") var profiles: [String] = []
        @Option(name: .customLong("tag"), help: "Target devices with this tag (repeatable).") var tags: [String] = []
        @Option(name: .customLong("group"), help: "Target devices in this group (repeatable).") var groups: [String] = []
        @Option(name: .customLong("device"), help: "Target this device (repeatable).") var devices: [String] = []
        @Option(help: "Canary size in devices.") var canaryDevices: Int?
        @Option(help: "Canary size in percent of the eligible devices.") var canaryPercent: Double?
        @Option(help: "Each wave is this many times the previous.") var growthFactor: Double?
        @Option(help: "No wave larger than this percentage of the eligible devices.") var maximumWavePercent: Double?
        @Option(help: "Percentage kept on the champion as the control group.") var controlPercent: Double?
        @Option(help: "Seconds each wave bakes before its gates are judged.") var bakeSeconds: Double?
        @Option(help: "Bake extensions for inconclusive gates before pausing.") var maximumBakeExtensions: Int?
        @Flag(help: "Do not move the champion alias when the last wave passes.") var noPromote = false
        @Option(help: "Gate limits as a JSON object (e.g. '{\"maximumLatencyRatio\": 1.5}').") var gates: String?

        func run() throws {
            var strategy: [String: Any] = [:]
            let fields: [(String, Any?)] = [("canaryDevices", canaryDevices), ("canaryPercent", canaryPercent), ("growthFactor", growthFactor),
                                            ("maximumWavePercent", maximumWavePercent), ("controlPercent", controlPercent),
                                            ("bakeSeconds", bakeSeconds), ("maximumBakeExtensions", maximumBakeExtensions)]
            for (key, value) in fields {
                if let value { strategy[key] = value }
            }
            if noPromote { strategy["promoteOnCompletion"] = false }
            if let gates {
                guard let object = try? JSONSerialization.jsonObject(with: Data(gates.utf8)) as? [String: Any] else {
                    throw ValidationError("--gates must be a JSON object")
                }
                strategy["gates"] = object
            }
            var body: [String: Any] = ["model": model, "version": version,
                                       "target": ["profiles": profiles, "tags": tags, "groups": groups, "devices": devices]]
            if !strategy.isEmpty { body["strategy"] = strategy }
            let answer = try connection.client.sendJSON("POST", "/api/v1/rollouts", body: body)
            try RolloutCommand.show(answer, json: connection.json)
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a rollout, or list the active ones.")

        @OptionGroup var connection: Connection
        @Argument(help: "The rollout's ID; without it, the active rollouts.") var id: String?

        func run() throws {
            guard let id else {
                let answer = try connection.client.sendJSON("GET", "/api/v1/rollouts?active=true")
                if connection.json { return try RolloutCommand.printJSON(answer) }
                let rollouts = (answer as? [String: Any])?["rollouts"] as? [[String: Any]] ?? []
                if rollouts.isEmpty { print("no active rollout") }
                for rollout in rollouts { print(RolloutCommand.summary(rollout)) }
                return
            }
            try RolloutCommand.show(try connection.client.sendJSON("GET", "/api/v1/rollouts/\(id)"), json: connection.json)
        }
    }

    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a running rollout: nothing more is assigned.")
        @OptionGroup var connection: Connection
        @Argument(help: "The rollout's ID.") var id: String
        @Option(help: "Why (recorded with the decision).") var reason: String?
        func run() throws { try RolloutCommand.act("pause", id, reason, connection) }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused rollout: the current wave bakes again.")
        @OptionGroup var connection: Connection
        @Argument(help: "The rollout's ID.") var id: String
        func run() throws { try RolloutCommand.act("resume", id, nil, connection) }
    }

    struct Abort: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Abort a rollout and roll every exposed device back to the champion.")
        @OptionGroup var connection: Connection
        @Argument(help: "The rollout's ID.") var id: String
        @Option(help: "Why (recorded with the decision).") var reason: String?
        func run() throws { try RolloutCommand.act("abort", id, reason, connection) }
    }

    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move the champion alias to the rollout's version; every planned device gets it.")
        @OptionGroup var connection: Connection
        @Argument(help: "The rollout's ID.") var id: String
        func run() throws { try RolloutCommand.act("promote", id, nil, connection) }
    }

    static func act(_ action: String, _ id: String, _ reason: String?, _ connection: Connection) throws {
        // Always a JSON object: the API parses a POST body it is told is JSON.
        let body: [String: Any] = reason.map { ["reason": $0] } ?? [:]
        try show(try connection.client.sendJSON("POST", "/api/v1/rollouts/\(id)/\(action)", body: body), json: connection.json)
    }

    static func printJSON(_ value: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    /// One line: ID, status, model and release, wave, exposure.
    static func summary(_ rollout: [String: Any]) -> String {
        let plan = rollout["plan"] as? [String: Any]
        let waves = (plan?["waves"] as? [[String]])?.count ?? 0
        let wave = rollout["wave"] as? Int ?? -1
        let exposed = (rollout["assigned"] as? [String])?.count ?? 0
        return "\(rollout["id"] as? String ?? "?") \(rollout["status"] as? String ?? "?") \(rollout["model"] as? String ?? "?") release \(rollout["release"] as? Int ?? 0)"
            + " · wave \(wave < 0 ? "-" : wave == 0 ? "canary" : "\(wave)") of \(waves) · \(exposed) exposed"
            + " · \((rollout["returned"] as? [String])?.count ?? 0) back on the champion"
    }

    static func show(_ answer: Any, json: Bool) throws {
        if json { return try printJSON(answer) }
        guard let rollout = answer as? [String: Any] else { return try printJSON(answer) }
        print(summary(rollout))
        for decision in rollout["decisions"] as? [[String: Any]] ?? [] {
            let wave = (decision["wave"] as? Int).map { $0 == 0 ? " canary" : " wave \($0)" } ?? ""
            print("  \(decision["kind"] as? String ?? "?")\(wave): \(decision["reason"] as? String ?? "")")
        }
        if let ineligible = rollout["ineligible"] as? [[String: Any]], !ineligible.isEmpty {
            print("  ineligible: \(ineligible.count) (\(ineligible.prefix(3).map { "\($0["deviceID"] as? String ?? ""): \($0["reason"] as? String ?? "")" }.joined(separator: "; ")))")
        }
    }
}
