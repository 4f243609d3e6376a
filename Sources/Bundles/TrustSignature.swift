#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One root signature over a trust document.
public struct TrustSignature: Codable, Sendable, Equatable {
    public var keyID: KeyID
    public var signature: [UInt8]

    public init(keyID: KeyID, signature: [UInt8]) {
        self.keyID = keyID
        self.signature = signature
    }

    private enum CodingKeys: String, CodingKey { case keyID, signature }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        keyID = try container.decode(KeyID.self, forKey: .keyID)
        signature = Array(try container.decode(Data.self, forKey: .signature))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(keyID, forKey: .keyID)
        try container.encode(Data(signature), forKey: .signature)
    }
}
