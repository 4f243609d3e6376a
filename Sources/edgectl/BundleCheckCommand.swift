import ArgumentParser
import Bundles

/// `edgectl bundle check`: does the bundle fit a board, and how fast will it run there.
struct BundleCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a bundle against firmware profiles: operators, arena and weights budgets, estimated latency.",
        discussion: "Exits 0 when the bundle fits every given profile, 1 otherwise.")

    @Argument(help: "The bundle file.")
    var bundle: String

    @Option(help: "Profile id or JSON path; repeat for several, or `all` for every profile in --profiles-dir.")
    var profile: [String]

    @Option(help: "Directory of firmware profiles.")
    var profilesDir: String = "firmware-profiles"

    @Option(help: "Refuse when the estimated latency exceeds this many milliseconds.")
    var deadlineMs: Double?

    func run() throws {
        let file = try BundleFile(parsing: try FileIO.read(bundle))
        let manifest = try file.unverifiedManifest()
        let model = try Zlib.inflate(Array(file.compressedPayload), expectedLength: manifest.payload.length)
        let unsupported = try ModelAnalyzer.unsupportedOperators(in: model)
        let boards = profile == ["all"] ? try FirmwareProfile.all(in: profilesDir)
            : try profile.map { try FirmwareProfile.load($0, directory: profilesDir) }
        let requirements = manifest.requirements
        print("\(manifest.name) \(manifest.version): \(requirements.macs) MACs, arena \(requirements.arenaBytes) B, weights \(requirements.weightsBytes) B, ops \(requirements.operators.joined(separator: ","))")
        var allFit = true
        for board in boards {
            let fit = ProfileFit(requirements: requirements, payloadLength: manifest.payload.length,
                                 unsupportedOperators: unsupported, profile: board,
                                 deadlineSeconds: deadlineMs.map { $0 / 1000 })
            let latency = BundleCLI.milliseconds(fit.estimatedLatencySeconds)
            if fit.fits {
                print("FITS \(board.id): estimated \(latency) per inference with \(board.threads) thread\(board.threads == 1 ? "" : "s")")
            } else {
                allFit = false
                print("REFUSED \(board.id): estimated \(latency)")
                for problem in fit.problems { print("  \(problem.code.rawValue): \(problem.message)") }
            }
        }
        if !allFit { throw ExitCode(1) }
    }
}
