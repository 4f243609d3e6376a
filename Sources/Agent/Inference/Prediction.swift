/// One inference's result as published on the predictions topic.
struct Prediction: Sendable {
    /// Inferences since the agent started.
    var number: UInt64
    var predicted: Int32
    var score: Float
}
