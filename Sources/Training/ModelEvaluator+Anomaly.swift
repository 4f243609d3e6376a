extension ModelEvaluator {
    /// The anomaly score of one row from an exported autoencoder: scale² · mean((reconstruction − input)²),
    /// read off its two int8 outputs (reconstruction, quantised standardised input), which share one scale.
    public func anomalyScore(_ row: ArraySlice<Float>) throws(TrainingError) -> Float {
        guard interpreter.outputs.count == 2, interpreter.outputs[0].type == .int8, interpreter.outputs[1].type == .int8,
              interpreter.outputs[0].shape == interpreter.outputs[1].shape else {
            throw TrainingError(.invalidModel, "not an exported autoencoder: expected two int8 outputs of one shape (reconstruction, input)")
        }
        let out = try run(row)
        let scale = interpreter.outputs[0].scale
        var sum: Float = 0
        for (r, x) in zip(out[0], out[1]) {
            let d = Float(Int32(Int8(bitPattern: r)) - Int32(Int8(bitPattern: x)))
            sum += d * d
        }
        return scale * scale * sum / Float(max(out[0].count, 1))
    }
}
