import ArgumentParser

@main
struct EdgeCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edgectl",
        abstract: "The EdgeFleet operator's tool: run, check and benchmark int8 models; manage keys and bundles; measure drift.",
        version: EdgeFleetVersion.current,
        subcommands: [
            ConformanceCommand.self,
            InspectCommand.self,
            RunCommand.self,
            BenchCommand.self,
            KeysCommand.self, BundleCommand.self, PKICommand.self, TokenCommand.self,
            TrainCommand.self, EvalCommand.self, GateCommand.self,
            FleetSimCommand.self, RolloutCommand.self,
            DriftCommand.self, DriftScenarioCommand.self,
            DatasetCommand.self,
        ]
    )
}

/// The version printed by `--version` and recorded in bundles.
enum EdgeFleetVersion {
    static let current = "0.1.0"
}
