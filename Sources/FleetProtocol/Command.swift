/// A command from the collector on the device's `cmd` topic.
public struct Command: DownwardMessage, Equatable {
    public var version: Int
    /// Chosen by the sender, echoed in events.
    public var id: String
    public var type: CommandType
    public var assignment: Assignment?
    /// The trust file bytes (its JSON envelope) for `trust`.
    public var trustFile: Base64Bytes?
    /// The raised capture for `capture`.
    public var capture: CaptureRequest?

    public init(id: String, type: CommandType, assignment: Assignment? = nil, trustFile: [UInt8]? = nil, capture: CaptureRequest? = nil) {
        self.version = FleetProtocol.version
        self.id = id
        self.type = type
        self.assignment = assignment
        self.trustFile = trustFile.map(Base64Bytes.init)
        self.capture = capture
    }

    enum CodingKeys: String, CodingKey { case version = "v", id, type, assignment, trustFile, capture }

    /// An assignment command.
    public static func assign(_ assignment: Assignment) -> Command {
        Command(id: assignment.assignmentID, type: .assign, assignment: assignment)
    }

    /// A rollback command: return to the version `assignment` names.
    public static func rollback(_ assignment: Assignment) -> Command {
        Command(id: assignment.assignmentID, type: .rollback, assignment: assignment)
    }
}
