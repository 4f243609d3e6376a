/// `PUT /api/v1/models/{name}/aliases/{alias}`.
struct AliasUpdate: Decodable {
    var release: UInt64
}
