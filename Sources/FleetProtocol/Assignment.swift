/// Install this bundle: what the collector knows about it before the device has a byte of it.
public struct Assignment: Codable, Sendable, Equatable {
    /// Chosen by the collector; events of the update carry it.
    public var assignmentID: String
    public var name: String
    public var version: String
    /// SHA-256 of the bundle file.
    public var digest: String
    /// Bytes of the bundle file.
    public var size: Int
    /// Bytes per chunk the server serves (the last chunk may be shorter).
    public var chunkSize: Int
    /// Run the candidate in shadow mode for this long before switching; nil or 0 skips shadow mode.
    public var shadowSeconds: Double?
    /// Refuse the candidate if its agreement with the serving model in shadow mode is below this (0…1).
    public var minimumAgreement: Double?
    /// Override the device's configured probation period.
    public var probationSeconds: Double?

    public init(assignmentID: String, name: String, version: String, digest: String, size: Int, chunkSize: Int,
                shadowSeconds: Double? = nil, minimumAgreement: Double? = nil, probationSeconds: Double? = nil) {
        self.assignmentID = assignmentID
        self.name = name
        self.version = version
        self.digest = digest
        self.size = size
        self.chunkSize = chunkSize
        self.shadowSeconds = shadowSeconds
        self.minimumAgreement = minimumAgreement
        self.probationSeconds = probationSeconds
    }

    /// Checks the ranges a device relies on before it allocates or requests anything.
    public func validate(maximumSize: Int) throws(FleetProtocolError) {
        try FleetProtocol.validateDigest(digest)
        guard !assignmentID.isEmpty, assignmentID.utf8.count <= 128 else {
            throw FleetProtocolError(.invalidMessage, "assignment ID must have 1 to 128 characters")
        }
        guard size > 0, size <= maximumSize else {
            throw FleetProtocolError(.invalidMessage, "bundle size \(size) is not within 1…\(maximumSize) bytes")
        }
        guard chunkSize >= 1024, chunkSize <= 16 << 20 else {
            throw FleetProtocolError(.invalidMessage, "chunk size \(chunkSize) is not within 1 KiB…16 MiB")
        }
        for (name, value) in [("shadowSeconds", shadowSeconds), ("probationSeconds", probationSeconds)] {
            if let value, !(value >= 0 && value <= 7 * 86_400) {
                throw FleetProtocolError(.invalidMessage, "\(name) \(value) is not within 0…604800")
            }
        }
        if let minimumAgreement, !(0...1).contains(minimumAgreement) {
            throw FleetProtocolError(.invalidMessage, "minimumAgreement \(minimumAgreement) is not within 0…1")
        }
    }

    /// The chunks the bundle is served in.
    public var chunkCount: Int { (size + chunkSize - 1) / chunkSize }
}
