import Crypto

/// SHA-256 in the lowercase hex form that manifests and trust files carry.
public enum Digest {
    /// The SHA-256 of `bytes` as 64 lowercase hex digits (a bundle file's digest, as devices report it).
    public static func sha256Hex(_ bytes: some Collection<UInt8>) -> String {
        if let digest = bytes.withContiguousStorageIfAvailable({ SHA256.hash(data: UnsafeRawBufferPointer($0)) }) {
            return Hex.encode(digest)
        }
        return Hex.encode(SHA256.hash(data: Array(bytes)))
    }

    static func isSHA256Hex(_ text: String) -> Bool {
        text.utf8.count == 64 && Hex.decode(text) != nil && text == text.lowercased()
    }
}
