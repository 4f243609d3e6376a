import Bundles

/// One immutable version of a model: a verified bundle stored by digest, with where it came from.
///
/// Everything except `tags`, `aliases` and the blessing is fixed at registration.
public struct ModelVersionRecord: Codable, Sendable, Equatable {
    public var model: String
    /// The manifest's release counter: the registry's version key and the devices' anti-rollback value.
    public var release: UInt64
    /// The manifest's semantic version, for people.
    public var version: String
    /// SHA-256 of the bundle file.
    public var digest: String
    public var size: Int
    /// SHA-256 of the signed manifest.
    public var manifestSHA256: String
    /// The manifest's build time (ms since 1970).
    public var builtAt: Int64
    public var registeredAt: Int64
    /// Who registered it: the API token's name (or the component, e.g. `trainer`).
    public var createdBy: String
    /// How it was registered, e.g. `api-upload`.
    public var source: String
    public var lineage: Lineage
    public var labels: [String]
    public var requirements: DeviceRequirements
    /// Key IDs of the release keys whose signatures were valid.
    public var signers: [String]
    /// Set only by the evaluation gate.
    public var blessed: Bool
    public var blessedAt: Int64?
    public var blessedBy: String?
    public var tags: [String]
    /// Aliases pointing at this version.
    public var aliases: [String]

    public init(model: String, release: UInt64, version: String, digest: String, size: Int, manifestSHA256: String, builtAt: Int64,
                registeredAt: Int64, createdBy: String, source: String, lineage: Lineage, labels: [String],
                requirements: DeviceRequirements, signers: [String], blessed: Bool = false, blessedAt: Int64? = nil,
                blessedBy: String? = nil, tags: [String] = [], aliases: [String] = []) {
        self.model = model
        self.release = release
        self.version = version
        self.digest = digest
        self.size = size
        self.manifestSHA256 = manifestSHA256
        self.builtAt = builtAt
        self.registeredAt = registeredAt
        self.createdBy = createdBy
        self.source = source
        self.lineage = lineage
        self.labels = labels
        self.requirements = requirements
        self.signers = signers
        self.blessed = blessed
        self.blessedAt = blessedAt
        self.blessedBy = blessedBy
        self.tags = tags
        self.aliases = aliases
    }
}
