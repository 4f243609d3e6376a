import Bundles
import Foundation
import Logging

/// The model registry: verified bundles become immutable versions; aliases, tags and blessings move.
public final class ModelRegistry: Sendable {
    let store: any RegistryStore & FleetStore & LearningStore
    let clock: any WallClock
    public let repository: BundleRepository
    let trust: TrustSettings
    let logger: Logger

    public init(store: any RegistryStore & FleetStore & LearningStore, repository: BundleRepository, trust: TrustSettings, clock: any WallClock = SystemWallClock(),
                logger: Logger) {
        self.store = store
        self.clock = clock
        self.repository = repository
        self.trust = trust
        self.logger = logger
    }

    /// The verifier for uploads; trust files are read on every registration so a rotation needs no restart.
    func verifier() throws(CollectorError) -> BundleVerifier {
        guard let rootPath = trust.rootPublicKey, !trust.trustFiles.isEmpty else {
            throw CollectorError(.invalidConfiguration,
                "no trust root is configured: set trust.rootPublicKey (root.pub) and trust.trustFiles (trust.json) in the collector's configuration, or put them in <stateDirectory>/trust/")
        }
        do {
            var trustStore = TrustStore(pinnedRoot: try VerifyingKey(fileContents: try FileIO.read(rootPath)))
            try trustStore.accept(chain: try trust.trustFiles.map(TrustFile.load))
            return BundleVerifier(trust: trustStore, time: .systemClock())
        } catch {
            throw CollectorError(.invalidConfiguration, "loading the trust root failed: \(error.message)")
        }
    }

    /// Verifies a bundle with the configured trust root, stores it by digest and registers its version.
    public func register(bundle bytes: [UInt8], createdBy: String, source: String) async throws(CollectorError) -> ModelVersionRecord {
        let verifier = try verifier()
        let verified: VerifiedBundle
        do { verified = try verifier.verify(bytes) } catch {
            throw CollectorError(.bundleRejected, "the bundle failed verification (\(error.code.rawValue)): \(error.message)")
        }
        let manifest = verified.manifest
        let digest = BundleRepository.digest(of: bytes)
        if let existing = try await store.version(digest: digest) {
            throw CollectorError(.conflict, "bundle \(digest) is already registered as \(existing.model) release \(existing.release)")
        }
        try repository.put(bytes)
        let manifestJSON: String
        do { manifestJSON = String(decoding: try manifest.canonicalBytes(), as: UTF8.self) } catch {
            throw CollectorError(.bundleRejected, error.message)
        }
        let now = clock.now()
        let record = ModelVersionRecord(
            model: manifest.name, release: manifest.releaseCounter, version: manifest.version, digest: digest, size: bytes.count,
            manifestSHA256: verified.manifestSHA256, builtAt: manifest.createdAt * 1000, registeredAt: now, createdBy: createdBy, source: source,
            lineage: manifest.lineage, labels: manifest.labels, requirements: manifest.requirements, signers: verified.signers.map(\.hex))
        let stored = try await store.insert(NewModelVersion(record: record, manifestJSON: manifestJSON))
        try await store.record(CollectorEvent(name: "model.registered", model: manifest.name, details: [
            "release": "\(manifest.releaseCounter)", "version": manifest.version, "digest": digest, "by": createdBy, "source": source,
        ]), at: now)
        logger.info("registered a model version", metadata: ["model": "\(manifest.name)", "release": "\(manifest.releaseCounter)",
                                                             "digest": "\(digest)", "by": "\(createdBy)"])
        return stored
    }

    /// A version by release counter (`7`), alias (`champion`) or `latest`.
    public func resolve(model: String, reference: String) async throws(CollectorError) -> ModelVersionRecord {
        if let release = UInt64(reference) {
            guard let version = try await store.version(model: model, release: release) else {
                throw CollectorError(.notFound, "\(model) has no version with release counter \(release)")
            }
            return version
        }
        let versions = try await store.versions(model: model)
        if reference == "latest", let latest = versions.first { return latest }
        guard let version = versions.first(where: { $0.aliases.contains(reference) }) else {
            throw CollectorError(.notFound, versions.isEmpty ? "no model '\(model)' is registered"
                                                             : "\(model) has no alias '\(reference)' (give a release counter, an alias or latest)")
        }
        return version
    }

    /// Points an alias at a release; aliases move, versions do not.
    public func setAlias(model: String, alias: String, release: UInt64, by actor: String) async throws(CollectorError) -> ModelVersionRecord {
        try Self.validateAlias(alias)
        let now = clock.now()
        let previous = try await store.setAlias(model: model, alias: alias, release: release, by: actor, at: now)
        try await store.record(CollectorEvent(name: "alias.moved", model: model, details: [
            "alias": alias, "release": "\(release)", "previous": previous.map { "\($0)" } ?? "none", "by": actor,
        ]), at: now)
        return try await resolve(model: model, reference: "\(release)")
    }

    public func removeAlias(model: String, alias: String, by actor: String) async throws(CollectorError) {
        let now = clock.now()
        try await store.removeAlias(model: model, alias: alias, by: actor, at: now)
        try await store.record(CollectorEvent(name: "alias.removed", model: model, details: ["alias": alias, "by": actor]), at: now)
    }

    public func setTags(model: String, release: UInt64, tags: [String]) async throws(CollectorError) -> ModelVersionRecord {
        try await store.setTags(model: model, release: release, tags: tags)
    }

    /// Sets the `blessed` flag directly. Internal: only the gate decides (``GateService`` stores its report and the flag
    /// together); this remains for clearing a blessing from inside the collector.
    func setBlessed(model: String, release: UInt64, blessed: Bool, by gate: String, report: String?) async throws(CollectorError) -> ModelVersionRecord {
        let now = clock.now()
        let version = try await store.setBlessed(model: model, release: release, blessed: blessed, by: gate, at: now)
        var details = ["release": "\(release)", "blessed": "\(blessed)", "by": gate]
        if let report { details["report"] = String(report.prefix(2000)) }
        try await store.record(CollectorEvent(name: blessed ? "model.blessed" : "model.unblessed", model: model, details: details), at: now)
        return version
    }

    static func validateAlias(_ alias: String) throws(CollectorError) {
        guard !alias.isEmpty, alias.utf8.count <= 64, UInt64(alias) == nil, alias != "latest",
              alias.utf8.allSatisfy({ (48...57).contains($0) || (97...122).contains($0) || $0 == 45 || $0 == 95 || $0 == 46 }) else {
            throw CollectorError(.invalidRequest,
                "alias '\(alias)' must have 1 to 64 of a-z 0-9 . _ - and be neither a number nor 'latest'")
        }
    }
}
