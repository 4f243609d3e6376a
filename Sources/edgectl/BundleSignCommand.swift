import ArgumentParser
import Bundles

/// `edgectl bundle sign`: adds a release key's signature over the manifest.
struct BundleSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a bundle's manifest with a release key.")

    @Argument(help: "The bundle file.")
    var bundle: String

    @Option(help: "Key directory: signs with its newest active release key.")
    var keys: String?

    @Option(help: "A release private-key file, instead of --keys.")
    var key: String?

    @Option(name: .shortAndLong, help: "Where to write the signed bundle (default: in place).")
    var output: String?

    @Option(help: "Override the current time (seconds since 1970 UTC) when choosing the active key.")
    var now: Int64?

    func validate() throws {
        guard (keys == nil) != (key == nil) else { throw ValidationError("give exactly one of --keys DIR or --key FILE") }
    }

    func run() throws {
        let signer: SigningKey
        if let key { signer = try SigningKey.load(key) } else {
            signer = try KeyDirectory(path: keys!).signingKey(now: KeysCommand.currentTime(now))
        }
        let file = try BundleFile(parsing: try FileIO.read(bundle))
        if let keys {
            // Signing with a key the trust file does not list only produces bundles every device refuses.
            let document = try KeyDirectory(path: keys).trustFile().document
            guard document.releaseKey(signer.keyID) != nil else {
                throw BundleError(.unknownKey, "key \(signer.keyID) is not a release key of \(keys)/trust.json")
            }
        }
        let signed = try file.signed(with: signer)
        let destination = output ?? bundle
        try FileIO.writeAtomically(destination, signed.encoded())
        print("signed \(destination) with release key \(signer.keyID.hex) (\(signed.signatures.count) signature\(signed.signatures.count == 1 ? "" : "s"))")
    }
}
