/// What `models.mustache` renders: the model registry, one row per model.
struct ModelsPage {
    struct Row {
        var name: String
        var versionCount: Int
        var latest: String
        var aliases: String
        var devices: Int
        var created: String
    }

    var title = "Models"
    var rendered: String
    var models: [Row]
}
