/// `GET /api/v1/models/{name}`: the model, its versions newest first, and which devices run which version.
struct ModelDetail: Encodable {
    var model: ModelRecord
    var versions: [ModelVersionRecord]
    /// Bundle digest → device IDs currently serving it.
    var deployment: [String: [String]]
}
