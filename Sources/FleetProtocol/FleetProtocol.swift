/// Constants of the fleet protocol spoken between edge agents, the collector and simulators over MQTT.
///
/// Every topic starts with ``topicRoot``; every JSON message carries ``version`` in its `v` field. A field's
/// meaning never changes within a version: additions are optional fields that older readers ignore.
public enum FleetProtocol {
    /// The protocol version carried by every message and in the topic prefix.
    public static let version = 1
    /// The versioned prefix of every topic.
    public static let topicRoot = "edgefleet/v1"
    /// The largest device ID accepted: IDs appear in topics and file names.
    public static let maximumDeviceIDLength = 64

    /// Checks that `id` can name a device: 1–64 of `A–Z a–z 0–9 . _ -`, so it is safe in topics and paths.
    public static func validateDeviceID(_ id: String) throws(FleetProtocolError) {
        guard !id.isEmpty, id.utf8.count <= maximumDeviceIDLength else {
            throw FleetProtocolError(.invalidDeviceID, "device ID '\(id)' must have 1 to \(maximumDeviceIDLength) characters")
        }
        guard id != ".", id != "..", id.utf8.allSatisfy(Self.isIDByte) else {
            throw FleetProtocolError(.invalidDeviceID,
                "device ID '\(id)' may only contain letters, digits, '.', '_' and '-' (it is used in MQTT topics and file names)")
        }
    }

    /// Checks a bundle digest: 64 lowercase hex digits (SHA-256 of the bundle file).
    public static func validateDigest(_ digest: String) throws(FleetProtocolError) {
        guard digest.utf8.count == 64, digest.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw FleetProtocolError(.invalidMessage, "bundle digest '\(digest)' is not 64 lowercase hex digits")
        }
    }

    static func isIDByte(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 46 || byte == 95 || byte == 45
    }
}
