#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SigningKey {
    /// The private-key file form: base64 of the 32-byte seed and a newline.
    public var fileContents: [UInt8] { Array((Data(rawRepresentation).base64EncodedString() + "\n").utf8) }

    /// Parses the private-key file form.
    public init(fileContents: [UInt8]) throws(BundleError) {
        let text = String(decoding: fileContents, as: UTF8.self).trimmed
        guard let raw = Data(base64Encoded: text) else { throw BundleError(.keyFile, "private key file is not base64") }
        try self.init(rawRepresentation: Array(raw))
    }

    /// Loads a private key from a file that only its owner may read.
    public static func load(_ path: String) throws(BundleError) -> SigningKey {
        do { return try SigningKey(fileContents: try FileIO.readPrivate(path)) } catch {
            throw BundleError(.keyFile, error.code == .keyFile && error.message.contains(path) ? error.message : "\(path): \(error.message)")
        }
    }

    /// Writes the key to a new file with mode 0600; an existing file is never overwritten.
    public func save(_ path: String) throws(BundleError) {
        try FileIO.createExclusively(path, fileContents, mode: 0o600)
    }
}
