#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A public key travels in JSON as the base64 of its 32 raw bytes.
extension VerifyingKey: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let raw = Data(base64Encoded: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "public key is not base64"))
        }
        do { try self.init(rawRepresentation: Array(raw)) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Data(rawRepresentation).base64EncodedString())
    }

    /// The public-key file form: base64 of the raw key and a newline.
    public var fileContents: [UInt8] { Array((Data(rawRepresentation).base64EncodedString() + "\n").utf8) }

    /// Parses the public-key file form.
    public init(fileContents: [UInt8]) throws(BundleError) {
        let text = String(decoding: fileContents, as: UTF8.self).trimmed
        guard let raw = Data(base64Encoded: text) else { throw BundleError(.keyFile, "public key file is not base64") }
        try self.init(rawRepresentation: Array(raw))
    }
}
