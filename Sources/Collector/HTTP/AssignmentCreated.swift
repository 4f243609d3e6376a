/// `POST /api/v1/devices/{id}/assignments`.
struct AssignmentCreated: Encodable {
    var assignment: AssignmentRecord
    /// Whether the broker accepted the command; if not, it is sent again at the device's next birth.
    var delivered: Bool
}
