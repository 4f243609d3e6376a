import Crypto

/// The SHA-256 of a raw Ed25519 public key: how signatures and trust files name a key.
public struct KeyID: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public static let byteCount = 32

    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// The key ID of a raw 32-byte Ed25519 public key.
    public init(publicKeyBytes: [UInt8]) {
        bytes = Array(SHA256.hash(data: publicKeyBytes))
    }

    /// Wraps 32 digest bytes read from a bundle.
    public init(bytes: [UInt8]) throws(BundleError) {
        guard bytes.count == Self.byteCount else {
            throw BundleError(.malformed, "a key ID has \(Self.byteCount) bytes, not \(bytes.count)")
        }
        self.bytes = bytes
    }

    /// Parses the 64-character lowercase hex form.
    public init(hex: String) throws(BundleError) {
        guard let decoded = Hex.decode(hex), decoded.count == Self.byteCount else {
            throw BundleError(.malformed, "'\(hex)' is not a key ID (64 hex digits)")
        }
        bytes = decoded
    }

    /// The full 64-character hex form.
    public var hex: String { Hex.encode(bytes) }

    /// The first 16 hex digits, used in file names and messages.
    public var short: String { String(hex.prefix(16)) }

    public var description: String { short }

    public static func < (lhs: KeyID, rhs: KeyID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(hex: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
