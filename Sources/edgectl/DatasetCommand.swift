import ArgumentParser
import Foundation

/// `edgectl dataset`: the collector's versioned training data (docs/learning.md).
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Import labelled samples into the collector, freeze them into snapshots, list, show and export snapshots.",
        subcommands: [DatasetImportCommand.self, DatasetSnapshotCommand.self, DatasetListCommand.self, DatasetShowCommand.self,
                      DatasetExportCommand.self]
    )

    /// Pretty JSON on stdout.
    static func printJSON(_ object: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    /// One line per snapshot: id, samples (train/validation), classes, created.
    static func line(_ snapshot: [String: Any]) -> String {
        let id = snapshot["id"] as? String ?? "?"
        let classes = (snapshot["classCounts"] as? [String: Int] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return "\(id)  \(snapshot["samples"] as? Int ?? 0) samples (train \(snapshot["trainSamples"] as? Int ?? 0), validation "
            + "\(snapshot["validationSamples"] as? Int ?? 0))  classes \(classes.joined(separator: " "))  by \(snapshot["createdBy"] as? String ?? "?")"
    }
}

struct DatasetImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store the rows of a labelled CSV (header, numeric features, label last) as samples of a model.")

    @OptionGroup var collector: CollectorOptions
    @Option(help: "The model the samples are for.") var model: String
    @Option(help: "The CSV file.") var data: String
    @Option(help: "Where the file came from (recorded; default the file name).") var source: String?
    @Flag(help: "Print the collector's answer as JSON.") var json = false

    func run() throws {
        guard let bytes = FileManager.default.contents(atPath: data) else { throw CommandLineError("cannot read \(data)") }
        let name = source ?? (data as NSString).lastPathComponent
        let query = name.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "upload"
        let result = try collector.client().json("POST", "/api/v1/models/\(model)/samples?source=\(query)", body: bytes, contentType: "text/csv")
        if json { return try DatasetCommand.printJSON(result) }
        print("imported \(result["rows"] as? Int ?? 0) rows of \(model): \(result["added"] as? Int ?? 0) new, \(result["duplicates"] as? Int ?? 0) already stored")
    }
}

struct DatasetSnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Freeze the labelled samples of a model (optionally of some devices, a cohort, a time range) into an immutable snapshot.")

    @OptionGroup var collector: CollectorOptions
    @Option(help: "The model.") var model: String
    @Option(name: .customLong("device"), help: "Only captures of this device (repeatable).") var devices: [String] = []
    @Option(help: "Only captures of devices with this firmware profile.") var profile: String?
    @Option(name: .customLong("tag"), help: "Only captures of devices with this tag (repeatable: any of them).") var tags: [String] = []
    @Option(name: .customLong("group"), help: "Only captures of devices in this group (repeatable: any of them).") var groups: [String] = []
    @Option(help: "From (ms since 1970, inclusive).") var from: Int?
    @Option(help: "To (ms since 1970, exclusive).") var to: Int?
    @Option(help: "Share of samples (by hash) in the validation split, 0-90 (default: the collector's training.validationPercent).")
    var validationPercent: Int?
    @Flag(help: "Print the snapshot as JSON.") var json = false

    func run() throws {
        var body: [String: Any] = [:]
        if !devices.isEmpty { body["devices"] = devices }
        if let profile { body["profile"] = profile }
        if !tags.isEmpty { body["tags"] = tags }
        if !groups.isEmpty { body["groups"] = groups }
        if let from { body["from"] = from }
        if let to { body["to"] = to }
        if let validationPercent { body["validationPercent"] = validationPercent }
        let snapshot = try collector.client().json("POST", "/api/v1/models/\(model)/snapshots",
                                                   body: try JSONSerialization.data(withJSONObject: body), contentType: "application/json")
        if json { return try DatasetCommand.printJSON(snapshot) }
        print(DatasetCommand.line(snapshot))
    }
}

struct DatasetListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List a model's snapshots, newest first.")

    @OptionGroup var collector: CollectorOptions
    @Option(help: "The model.") var model: String
    @Flag(help: "Print the collector's answer as JSON.") var json = false

    func run() throws {
        let result = try collector.client().json("GET", "/api/v1/models/\(model)/snapshots")
        if json { return try DatasetCommand.printJSON(result) }
        let snapshots = result["snapshots"] as? [[String: Any]] ?? []
        if snapshots.isEmpty { print("no snapshots of \(model)") }
        for snapshot in snapshots { print(DatasetCommand.line(snapshot)) }
    }
}

struct DatasetShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one snapshot.")

    @OptionGroup var collector: CollectorOptions
    @Argument(help: "The snapshot id (64 hex digits).") var snapshot: String
    @Flag(help: "Print the collector's answer as JSON.") var json = false

    func run() throws {
        let result = try collector.client().json("GET", "/api/v1/snapshots/\(snapshot)")
        if json { return try DatasetCommand.printJSON(result) }
        print("snapshot    \(result["id"] as? String ?? "?")")
        print("model       \(result["model"] as? String ?? "?")")
        print("layout      \(result["dtype"] as? String ?? "?") \(result["shape"] as? [Int] ?? []), columns \((result["columns"] as? [String] ?? []).joined(separator: ","))")
        print("samples     \(result["samples"] as? Int ?? 0) (train \(result["trainSamples"] as? Int ?? 0), validation \(result["validationSamples"] as? Int ?? 0), validationPercent \(result["validationPercent"] as? Int ?? 0))")
        let classes = (result["classCounts"] as? [String: Int] ?? [:]).sorted { $0.key < $1.key }
        print("classes     \(classes.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
        print("created     \(result["createdAt"] as? Int ?? 0) by \(result["createdBy"] as? String ?? "?")\((result["cause"] as? String).map { ", cause \($0)" } ?? "")")
    }
}

struct DatasetExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a snapshot as CSV (edgectl train reads it) or raw tensors (a JSON header line, then the tensor bytes).")

    enum Format: String, ExpressibleByArgument { case csv, tensors }
    enum Split: String, ExpressibleByArgument { case all, train, validation }

    @OptionGroup var collector: CollectorOptions
    @Argument(help: "The snapshot id (64 hex digits).") var snapshot: String
    @Option(help: "csv or tensors.") var format: Format = .csv
    @Option(help: "all, train or validation.") var split: Split = .all
    @Option(name: [.short, .customLong("out")], help: "Output file (default: stdout).") var out: String?

    func run() throws {
        let response = try collector.client().send("GET", "/api/v1/snapshots/\(snapshot)/export?format=\(format.rawValue)&split=\(split.rawValue)",
                                                   accept: format == .csv ? "text/csv" : "application/octet-stream")
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: response.body) else { throw CommandLineError("cannot write \(out)") }
        } else {
            FileHandle.standardOutput.write(response.body)
        }
    }
}
