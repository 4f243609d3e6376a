/// Names one bundle: the model's name and version for people, the file's SHA-256 for machines.
public struct BundleReference: Codable, Sendable, Equatable, Hashable {
    public var name: String
    public var version: String
    /// SHA-256 of the whole bundle file, 64 lowercase hex digits.
    public var digest: String
    /// The manifest's release counter (anti-rollback).
    public var releaseCounter: UInt64

    public init(name: String, version: String, digest: String, releaseCounter: UInt64) {
        self.name = name
        self.version = version
        self.digest = digest
        self.releaseCounter = releaseCounter
    }
}
