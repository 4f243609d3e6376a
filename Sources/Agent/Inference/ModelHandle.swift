/// Hands a model from the thread that prepared it to the inference thread, which owns it from then on.
struct ModelHandle: @unchecked Sendable {
    let model: LoadedModel
}
