import Bundles

/// The fixed keys, trust store and verifiers the bundle target checks against.
///
/// Deterministic (keys from constant seeds) so a seed bundle signed by ``release`` stays valid across runs and a
/// crash reproduces from its input alone. Not secret: these keys sign nothing but fuzz inputs.
enum FuzzTrust {
    static let issuedAt: Int64 = 1_764_000_000
    static let root = try! SigningKey(rawRepresentation: [UInt8](repeating: 0x52, count: 32))
    static let release = try! SigningKey(rawRepresentation: [UInt8](repeating: 0x45, count: 32))

    static let trustFile: TrustFile = {
        let document = TrustDocument(version: 1, issuedAt: issuedAt, root: RootKey(publicKey: root.publicKey),
                                     releaseKeys: [ReleaseKey(publicKey: release.publicKey, name: "fuzz-release", createdAt: issuedAt,
                                                              expiresAt: issuedAt + 365 * 86_400)])
        return try! TrustFile.issue(document, signers: [root])
    }()

    static let store: TrustStore = {
        var store = TrustStore(pinnedRoot: root.publicKey)
        try! store.accept(trustFile)
        return store
    }()

    /// A Raspberry Pi 5 profile, so the fit checks and the model's operator scan run too.
    static let profile = try! FirmwareProfile.decode(Array("""
        {"id":"rpi-5-4gb","name":"Raspberry Pi 5 (4 GB)","arch":"aarch64","soc":"BCM2712",
         "cpu":{"model":"Cortex-A76","cores":4,"clockMHz":2400,"isa":"armv8.2-a"},
         "features":["aes","crc32","dotprod","fp16","neon","sha2"],
         "memory":{"ramBytes":4294967296,"agentBytes":1073741824,"arenaBytes":268435456,"weightsBytes":402653184},
         "threads":3,"thermal":{"throttleCelsius":80,"criticalCelsius":85,"notes":"fuzz"},
         "throughput":{"int8MacsPerSecondPerCore":1.6e10,"parallelEfficiency":0.8,"source":"fuzz"}}
        """.utf8))

    static let verifier = BundleVerifier(trust: store, time: .known(secondsSince1970: issuedAt + 3600))
    static let profiledVerifier = BundleVerifier(trust: store, time: .known(secondsSince1970: issuedAt + 3600), profile: profile)
    static let clocklessVerifier = BundleVerifier(trust: store, time: .unknown(lastSeenTrustVersion: 0))
}
