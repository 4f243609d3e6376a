import ArgumentParser

/// `edgectl bundle`: build, sign, verify, inspect and fit-check model bundles.
struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Build, sign, verify, inspect and check signed model bundles (see docs/bundle-format.md).",
        subcommands: [BundleBuildCommand.self, BundleSignCommand.self, BundleVerifyCommand.self,
                      BundleInspectCommand.self, BundleCheckCommand.self]
    )
}
