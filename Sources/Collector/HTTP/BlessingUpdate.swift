/// `PUT /api/v1/models/{name}/versions/{release}/blessing` (gate role).
struct BlessingUpdate: Decodable {
    var blessed: Bool
    var report: String?
}
