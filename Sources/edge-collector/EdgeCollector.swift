import ArgumentParser
import Collector

/// `edge-collector`: fleet telemetry ingest, model registry, bundle distribution, HTTP API and dashboard.
///
/// Running the collector is the default subcommand (`serve`), so `edge-collector --state-directory DIR …` keeps
/// working; `backup` and `restore` copy its state while it runs (docs/operations.md).
@main
struct EdgeCollector: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge-collector",
        abstract: "Collect fleet telemetry over MQTT, keep the model registry, distribute bundles, serve the API and dashboard.",
        discussion: "With no arguments: SQLite in the state directory, broker on 127.0.0.1:1883, HTTP on 127.0.0.1:8080. See docs/collector.md and docs/operations.md.",
        version: "edge-collector \(CollectorVersion.current)",
        subcommands: [CollectorServe.self, CollectorBackup.self, CollectorRestore.self],
        defaultSubcommand: CollectorServe.self)
}
