import ArgumentParser
import Bundles

/// `edgectl bundle verify`: the device's acceptance policy, run on the operator's machine.
struct BundleVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a bundle as a device would: signatures, trust, hashes, anti-rollback floor, profile fit.")

    @Argument(help: "The bundle file.")
    var bundle: String

    @Option(help: "Key directory: pins its root.pub and uses its trust.json.")
    var keys: String?

    @Option(help: "The pinned root public key (default: <keys>/root.pub).")
    var root: String?

    @Option(help: "Trust files to apply in order, oldest first (default: <keys>/trust.json).")
    var trust: [String] = []

    @Option(help: "A firmware profile id or JSON path the bundle must fit.")
    var profile: String?

    @Option(help: "Directory of firmware profiles for --profile ids.")
    var profilesDir: String = "firmware-profiles"

    @Option(help: "The device's anti-rollback floor: the release counter must be above it.")
    var floor: UInt64 = 0

    @Option(help: "Verification time (seconds since 1970 UTC); default: the system clock.")
    var now: Int64?

    @Flag(help: "Act as a device without a trustworthy clock.")
    var noClock = false

    @Option(help: "With --no-clock: the newest trust-file version the device had seen before.")
    var lastTrustVersion: UInt64 = 0

    @Option(help: "Write the verified .tflite model here.")
    var extract: String?

    func validate() throws {
        guard keys != nil || (root != nil && !trust.isEmpty) else {
            throw ValidationError("give --keys DIR, or --root FILE with at least one --trust FILE")
        }
        if noClock && now != nil { throw ValidationError("--no-clock and --now exclude each other") }
    }

    func run() throws {
        let rootPath = root ?? "\(keys!)/root.pub"
        var store = TrustStore(pinnedRoot: try VerifyingKey(fileContents: try FileIO.read(rootPath)))
        let trustPaths = trust.isEmpty ? ["\(keys!)/trust.json"] : trust
        try store.accept(chain: try trustPaths.map(TrustFile.load))
        let time: VerificationTime = noClock ? .unknown(lastSeenTrustVersion: lastTrustVersion)
            : .known(secondsSince1970: KeysCommand.currentTime(now))
        let board = try profile.map { try FirmwareProfile.load($0, directory: profilesDir) }
        let verifier = BundleVerifier(trust: store, time: time, floor: floor, profile: board)
        let verified: VerifiedBundle
        do { verified = try verifier.verify(try FileIO.read(bundle)) } catch {
            print("REJECTED \(bundle): \(error.code.rawValue): \(error.message)")
            throw ExitCode(1)
        }
        let manifest = verified.manifest
        print("OK \(bundle): \(manifest.name) \(manifest.version) counter \(manifest.releaseCounter)")
        print("signed by \(verified.signers.map(\.hex).joined(separator: ", ")) (trust file version \(store.currentVersion))")
        print("manifest sha256 \(verified.manifestSHA256); model \(manifest.payload.length) bytes sha256 \(manifest.payload.sha256)")
        if let board { print("fits \(board.id)") }
        if let extract {
            try FileIO.writeAtomically(extract, verified.modelBytes)
            print("model written to \(extract)")
        }
    }
}
