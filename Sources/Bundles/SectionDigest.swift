/// Length and SHA-256 of a bundle section, so the manifest's signature covers the section.
public struct SectionDigest: Codable, Sendable, Equatable {
    public var length: Int
    public var sha256: String

    public init(length: Int, sha256: String) {
        self.length = length
        self.sha256 = sha256
    }

    /// The digest of `bytes`.
    public init(of bytes: some Collection<UInt8>) {
        self.init(length: bytes.count, sha256: Digest.sha256Hex(bytes))
    }

    /// Whether `bytes` are exactly the section this digest describes.
    public func matches(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.count == length && Digest.sha256Hex(bytes) == sha256
    }
}
