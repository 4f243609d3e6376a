/// `POST /api/v1/devices/{id}/assignments`: install a version of a model on the device.
struct AssignmentRequest: Decodable {
    var model: String
    /// A release counter, an alias or `latest`.
    var version: String
    var shadowSeconds: Double?
    var minimumAgreement: Double?
    var probationSeconds: Double?
}
