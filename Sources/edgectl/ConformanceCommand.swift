import ArgumentParser

struct ConformanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Run fixture folders (model.tflite, cases.json, case-K.in-I.bin, case-K.ref-J.bin) and check outputs byte for byte.",
        discussion: """
            Each DIR is a fixture folder or a folder of fixture folders. One line per model:
            PASS|FAIL <folder> cases=<n> max_abs_diff=<d>, or UNSUPPORTED <folder> ops=<list>.
            Exits non-zero unless every model is byte-exact.
            """
    )

    @Argument(help: "Fixture folders, or folders containing fixture folders.")
    var directories: [String]

    func run() throws {
        var fixtures: [String] = []
        for directory in directories {
            guard FileAccess.isDirectory(directory) else {
                throw CommandLineError("\(directory) is not a directory")
            }
            fixtures += ConformanceRunner.findFixtures(in: directory)
        }
        guard !fixtures.isEmpty else {
            throw CommandLineError("no fixture folders (with model.tflite) found in \(directories.joined(separator: ", "))")
        }
        var allExact = true
        for fixture in fixtures {
            let result = ConformanceRunner.run(fixture: fixture)
            print(result.line)
            if !result.isExact { allExact = false }
        }
        if !allExact { throw ExitCode(1) }
    }
}
