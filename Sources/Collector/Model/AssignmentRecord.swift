import FleetProtocol

/// An instruction to one device to install one model version, and how far the device got.
public struct AssignmentRecord: Codable, Sendable, Equatable {
    public var id: String
    public var deviceID: String
    public var model: String
    public var release: UInt64
    public var version: String
    public var digest: String
    public var size: Int
    public var chunkSize: Int
    /// Shadow-mode time, minimum agreement and probation sent with the assignment (nil: the device's defaults).
    public var shadowSeconds: Double?
    public var minimumAgreement: Double?
    public var probationSeconds: Double?
    public var createdAt: Int64
    public var createdBy: String
    /// The newest update phase the device reported (`downloading` … `committed`), nil until the first event.
    public var phase: String?
    public var phaseAt: Int64?
    public var bytesReceived: Int?
    public var error: String?

    public init(id: String, deviceID: String, model: String, release: UInt64, version: String, digest: String, size: Int, chunkSize: Int,
                shadowSeconds: Double? = nil, minimumAgreement: Double? = nil, probationSeconds: Double? = nil,
                createdAt: Int64, createdBy: String, phase: String? = nil, phaseAt: Int64? = nil, bytesReceived: Int? = nil, error: String? = nil) {
        self.id = id
        self.deviceID = deviceID
        self.model = model
        self.release = release
        self.version = version
        self.digest = digest
        self.size = size
        self.chunkSize = chunkSize
        self.shadowSeconds = shadowSeconds
        self.minimumAgreement = minimumAgreement
        self.probationSeconds = probationSeconds
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.phase = phase
        self.phaseAt = phaseAt
        self.bytesReceived = bytesReceived
        self.error = error
    }

    /// The assignment as the device receives it.
    public var assignment: Assignment {
        Assignment(assignmentID: id, name: model, version: version, digest: digest, size: size, chunkSize: chunkSize,
                   shadowSeconds: shadowSeconds, minimumAgreement: minimumAgreement, probationSeconds: probationSeconds)
    }
}
