/// A model in the registry: a name with a line of versions and movable aliases.
public struct ModelRecord: Codable, Sendable, Equatable {
    public var name: String
    /// When its first version was registered (ms since 1970).
    public var createdAt: Int64
    public var versionCount: Int
    public var latestRelease: UInt64?
    public var latestVersion: String?
    /// Alias name → release counter.
    public var aliases: [String: UInt64]
    /// Devices whose current bundle is a version of this model.
    public var deviceCount: Int

    public init(name: String, createdAt: Int64, versionCount: Int, latestRelease: UInt64?, latestVersion: String?,
                aliases: [String: UInt64], deviceCount: Int) {
        self.name = name
        self.createdAt = createdAt
        self.versionCount = versionCount
        self.latestRelease = latestRelease
        self.latestVersion = latestVersion
        self.aliases = aliases
        self.deviceCount = deviceCount
    }
}
