#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Bundles
import Gate
import Training

/// `edgectl gate`: the blessing gate, offline, on `.tflite` files and a labelled CSV (docs/gate.md).
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Run the blessing gate on a candidate model: value, change, int8-vs-float and firmware-budget checks.",
        discussion: """
            The held-out split is every row of --data (or, with --test-every N, the test rows of \
            `edgectl train --test-every N`). Candidate and champion are measured on the same rows. Without \
            --champion the change checks are not applicable (a first version). Exit status: 0 blessed, 1 refused \
            (the reasons are printed), 2 bad input (one line on stderr). docs/gate.md describes every check.
            """
    )

    @Option(help: "The candidate .tflite model.")
    var candidate: String

    @Option(help: "The current champion .tflite model; omit for a first version.")
    var champion: String?

    @Option(help: "Held-out data (CSV with a header, label in the last column, as `edgectl train`).")
    var data: String

    @Option(help: "The champion's own evaluation set (CSV) for the forgetting check.")
    var championData: String?

    @Option(help: "Use only the test rows of `edgectl train --test-every N` (rows N-1, 2N-1, ...); 0: every row.")
    var testEvery: Int = 0

    @Option(help: "A GatePolicy JSON file; the threshold options below override its fields.")
    var policy: String?

    @Option(help: "Minimum accuracy on the held-out rows (0...1).")
    var minAccuracy: Double?

    @Option(help: "Minimum macro-F1 on the held-out rows (0...1).")
    var minMacroF1: Double?

    @Option(help: "Minimum recall of every class present in the held-out rows (0...1).")
    var classRecallFloor: Double?

    @Option(help: "Largest allowed drop below the champion's accuracy and macro-F1 (default 0.01).")
    var maxRegression: Double?

    @Option(help: "Accuracy gain over the champion required to bless (default 0: none).")
    var requiredGain: Double?

    @Option(help: "Largest allowed accuracy drop on the champion's evaluation set (default 0.01).")
    var maxForgetting: Double?

    @Option(help: "Minimum share of rows where int8 and float predict the same class (default 0.98).")
    var minAgreement: Double?

    @Option(help: "Largest estimated latency per inference on each profile, in milliseconds.")
    var maxLatencyMs: Double?

    @Option(help: "A firmware profile the candidate targets (id or JSON path); repeat for several, `all` for every one.")
    var profile: [String] = []

    @Option(help: "Directory of firmware profiles.")
    var profilesDir: String = "firmware-profiles"

    @Flag(help: "Print the GateReport as one JSON object (schema edgefleet.gate.v1).")
    var json = false

    func run() throws {
        let report: GateReport
        do {
            report = try evaluate()
        } catch {
            // Bad input is exit 2 with one line on stderr, distinct from a refusal (1), whatever layer noticed it.
            let message = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
            var line = Array("error: \(message)\n".utf8)
            line.withUnsafeMutableBytes { _ = write(2, $0.baseAddress, $0.count) }
            throw ExitCode(2)
        }
        print(json ? try EvalCommand.json(report) : report.text)
        if !report.blessed { throw ExitCode(1) }
    }

    private func evaluate() throws -> GateReport {
        if testEvery < 0 || testEvery == 1 { throw CommandLineError("--test-every must be 0 or at least 2, got \(testEvery)") }
        let policy = try resolvedPolicy()
        try policy.validate()
        let candidateModel = try GateModel(name: candidate, bytes: try FileAccess.read(candidate))
        let championModel = try champion.map { path in try GateModel(name: path, bytes: try FileAccess.read(path)) }
        let all = try loadData(data)
        let heldOut = testEvery > 0 ? all.split(testEvery: testEvery).test : all
        let championSet = try championData.map(loadData)
        if championSet != nil && champion == nil {
            throw CommandLineError("--champion-data needs --champion")
        }
        let boards = profile == ["all"] ? try FirmwareProfile.all(in: profilesDir)
            : try profile.map { try FirmwareProfile.load($0, directory: profilesDir) }
        return try BlessingGate.evaluate(candidate: candidateModel, champion: championModel, heldOut: heldOut,
                                         championEvaluationSet: championSet, profiles: boards, policy: policy)
    }

    private func loadData(_ path: String) throws -> Dataset {
        if FileAccess.isDirectory(path) { throw CommandLineError("\(path) is a directory, not a CSV file") }
        do { return try Dataset(csvFile: path) } catch { throw CommandLineError(error.message) }
    }

    /// The policy file (if any) with the command line's thresholds on top.
    private func resolvedPolicy() throws -> GatePolicy {
        var policy = GatePolicy()
        if let path = self.policy {
            let bytes = try FileAccess.read(path)
            do {
                policy = try JSONDecoder().decode(GatePolicy.self, from: Data(bytes))
            } catch {
                throw CommandLineError("\(path): not a gate policy (JSON object with GatePolicy fields): \(error)")
            }
            // A misspelt threshold would otherwise be silently ignored and its default used.
            let keys = (try? JSONDecoder().decode(ObjectKeys.self, from: Data(bytes)).keys) ?? []
            if let unknown = keys.first(where: { !GatePolicy.fieldNames.contains($0) }) {
                throw CommandLineError("\(path): unknown gate policy field \"\(unknown)\"; known: \(GatePolicy.fieldNames.joined(separator: ", "))")
            }
        }
        if let minAccuracy { policy.minAccuracy = minAccuracy }
        if let minMacroF1 { policy.minMacroF1 = minMacroF1 }
        if let classRecallFloor { policy.perClassRecallFloor = classRecallFloor }
        if let maxRegression { policy.maxRegression = maxRegression }
        if let requiredGain { policy.requiredGain = requiredGain }
        if let maxForgetting { policy.maxForgetting = maxForgetting }
        if let minAgreement { policy.minInt8FloatAgreement = minAgreement }
        if let maxLatencyMs { policy.maxLatencyMilliseconds = maxLatencyMs }
        return policy
    }
}

/// The keys of a JSON object, to refuse policy fields the gate does not know.
private struct ObjectKeys: Decodable {
    var keys: [String]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        keys = try decoder.container(keyedBy: Key.self).allKeys.map(\.stringValue).sorted()
    }
}
