/// `PUT /api/v1/models/{name}/versions/{release}/tags`.
struct TagsUpdate: Decodable {
    var tags: [String]
}
