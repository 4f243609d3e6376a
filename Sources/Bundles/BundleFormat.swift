/// Constants of the bundle container, format version 1 (see docs/bundle-format.md).
public enum BundleFormat {
    /// 8 bytes: 0x89 "EFB" CR LF 0x1A LF — the high byte and line endings catch text-mode transfers.
    public static let magic: [UInt8] = [0x89, 0x45, 0x46, 0x42, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The only container version this build reads and writes.
    public static let version: UInt16 = 1
    /// Magic, version, section count and reserved field.
    public static let headerLength = 16
    /// Tag and 64-bit length before each section body.
    public static let sectionHeaderLength = 12

    /// Section tags in the only order version 1 allows.
    public enum Tag: String, CaseIterable, Sendable {
        case manifest = "MANI", signatures = "SIGS", baseline = "BASE", golden = "GOLD", payload = "PAYL"

        var value: UInt32 {
            rawValue.utf8.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        }

        var maximumLength: Int {
            switch self {
            case .manifest: 1 << 20
            case .signatures: 2 + BundleSignature.encodedLength * BundleFormat.maximumSignatures
            case .baseline: 16 << 20
            case .golden: 64 << 20
            case .payload: Zlib.maximumInflatedBytes
            }
        }
    }

    /// More signatures than this are refused before any is checked.
    public static let maximumSignatures = 16

    /// Prefix of every signed manifest message, so a bundle signature can never pass for another protocol's.
    public static let signatureDomain: [UInt8] = Array("EdgeFleet bundle manifest v1".utf8) + [0]

    /// The message an Ed25519 signature covers: domain prefix followed by the canonical manifest bytes.
    static func signedMessage(manifest: some Collection<UInt8>) -> [UInt8] { signatureDomain + manifest }
}
