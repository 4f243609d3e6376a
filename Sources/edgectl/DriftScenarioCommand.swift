import ArgumentParser
import Drift
import FleetSupport
import Foundation

/// `edgectl drift-scenario`: seeded vibration-like CSVs with an injected change, for `edgectl drift` and scripts.
struct DriftScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift-scenario",
        abstract: "Write a seeded CSV of 8 correlated log-normal band energies, optionally with an injected change.",
        discussion: """
            Scenarios: none, mean-shift (default 0.5 standard deviations), negligible-shift (0.03), variance (variance × 2, \
            mean kept), stuck (constant at the baseline median), gain (× 1.1), new-mode (30 % of rows from a mode 1.5 \
            log-sigmas higher). --magnitude overrides the default; --features limits the change to some columns \
            (0-based indices). The same seed always gives the same file.
            """
    )

    @Option(help: "none, mean-shift, negligible-shift, variance, stuck, gain or new-mode.")
    var scenario = "none"

    @Option(help: "Data rows.")
    var rows = 1000

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "The change's size: standard deviations for shifts, a factor for variance and gain, a share for new-mode.")
    var magnitude: Double?

    @Option(help: "Comma-separated 0-based column indices the change touches (default: all).")
    var features: String?

    @Option(help: ArgumentHelp("Append a label column of this name: the condition of the machine each row was drawn from (\(VibrationScenario.conditions.joined(separator: ", "))).",
                               discussion: """
                                   A synthetic ground truth for training a model on the scenario (docs/drift.md): what the row's band \
                                   energies indicate before the injected change. A drifting sensor changes what a model sees, not the \
                                   machine, so labels of drifted rows stay those of the machine.
                                   """))
    var label: String?

    @Option(name: [.customShort("o"), .long], help: "Output CSV.")
    var output: String

    @Option(help: ArgumentHelp("Also write each row as a raw float32 frame (row-NNNNN.bin) into this directory.",
                               discussion: "Frames for an agent's replay input (--input replay:DIR) running a model that takes the raw features."))
    var frames: String?

    func validate() throws {
        if rows < 1 { throw ValidationError("--rows must be at least 1") }
        if let label, label.isEmpty || label.contains(",") || VibrationScenario().names.contains(label) {
            throw ValidationError("--label needs a column name that is not empty, has no comma and is not a feature name")
        }
        if !DriftInjection.names.contains(scenario) {
            throw ValidationError("unknown --scenario \(scenario); use one of \(DriftInjection.names.joined(separator: ", "))")
        }
    }

    func run() throws {
        let generator = VibrationScenario()
        var indices: [Int]?
        if let features {
            indices = try features.split(separator: ",").map { part in
                guard let index = Int(part), generator.names.indices.contains(index) else {
                    throw CommandLineError("--features: '\(part)' is not a column index 0…\(generator.names.count - 1)")
                }
                return index
            }
        }
        guard let injection = DriftInjection.named(scenario, magnitude: magnitude, features: indices) else {
            throw CommandLineError("unknown scenario \(scenario)")
        }
        var text = (generator.names + (label.map { [$0] } ?? [])).joined(separator: ",") + "\n"
        let data = generator.labelledRows(rows, seed: seed, injection: injection)
        for (row, condition) in zip(data.rows, data.conditions) {
            text += row.map { "\($0)" }.joined(separator: ",")
            if label != nil { text += "," + VibrationScenario.conditions[condition] }
            text += "\n"
        }
        try FileAccess.write(Array(text.utf8), to: output)
        if let frames {
            do { try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: true) } catch {
                throw CommandLineError("cannot create \(frames): \(error.localizedDescription)")
            }
            for (index, row) in data.rows.enumerated() {
                let bytes = Float32Bytes.littleEndian(row)
                let name = String(index)
                try FileAccess.write(bytes, to: "\(frames)/row-\(String(repeating: "0", count: max(0, 5 - name.count)))\(name).bin")
            }
        }
    }
}
