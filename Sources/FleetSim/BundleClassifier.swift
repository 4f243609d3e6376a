import Bundles
import FleetSupport

/// The model of a bundle, run by the EdgeFleet runtime (`edgectl fleet-sim --run-model`): raw feature rows in, the
/// top class and its score out.
///
/// Confined to one simulated device, which calls it under its own lock (the interpreter is not thread-safe).
public final class BundleClassifier: SimulatedClassifier, @unchecked Sendable {
    private let runner: ModelRunner
    private let input: TensorSchema
    private let output: TensorSchema

    /// Nil unless the bundle parses and its model takes one float32 `[1, F]` input and gives class scores.
    public init?(bundle bytes: [UInt8]) {
        guard let file = try? BundleFile(parsing: bytes), let manifest = try? file.unverifiedManifest(),
              let model = try? Zlib.inflate(Array(file.compressedPayload), expectedLength: manifest.payload.length),
              let runner = try? ModelRunner(modelBytes: model), runner.inputs.count == 1, let first = runner.outputs.first,
              runner.inputs[0].dtype == "float32" else { return nil }
        self.runner = runner
        input = runner.inputs[0]
        output = first
    }

    public func predict(_ row: [Double]) -> (predicted: Int, confidence: Double) {
        let count = input.elementCount ?? row.count
        let bytes = Float32Bytes.littleEndian((0..<count).map { $0 < row.count ? row[$0] : 0 })
        guard let scores = (try? runner.run([bytes]))?.first else { return (-1, 0) }
        var best = -1, bestScore = -Double.infinity
        for index in 0..<(output.elementCount ?? 0) {
            let value: Double
            switch output.dtype {
            case "int8": value = Double(output.scale) * Double(Int32(Int8(bitPattern: scores[index])) - output.zeroPoint)
            case "uint8": value = Double(output.scale) * Double(Int32(scores[index]) - output.zeroPoint)
            case "float32":
                let bits = UInt32(scores[4 * index]) | UInt32(scores[4 * index + 1]) << 8 | UInt32(scores[4 * index + 2]) << 16
                    | UInt32(scores[4 * index + 3]) << 24
                value = Double(Float(bitPattern: bits))
            default: return (-1, 0)
            }
            if value > bestScore { best = index; bestScore = value }
        }
        return (best, max(0, min(1, bestScore)))
    }
}
