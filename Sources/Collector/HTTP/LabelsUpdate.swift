/// `PATCH /api/v1/devices/{id}`: replace tags and/or groups.
struct LabelsUpdate: Decodable {
    var tags: [String]?
    var groups: [String]?
}
