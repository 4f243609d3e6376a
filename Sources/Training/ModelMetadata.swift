#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the trainer records in the model's `description` (JSON), so `edgectl eval` can map labels to outputs.
///
/// Plain TFLite users can ignore it; models without it are read as classes "0", "1", ... by output index.
public struct ModelMetadata: Sendable, Equatable, Codable {
    public var producer: String
    public var task: TrainingTask
    /// Class names by output index.
    public var classes: [String]
    public var features: [String]

    public static let producerName = "edgefleet-train"

    public init(task: TrainingTask, classes: [String], features: [String]) {
        producer = Self.producerName
        self.task = task
        self.classes = classes
        self.features = features
    }

    /// The metadata written by the trainer, or nil for models from elsewhere.
    public init?(description: String) {
        guard description.hasPrefix("{"),
              let decoded = try? JSONDecoder().decode(ModelMetadata.self, from: Data(description.utf8)),
              decoded.producer == Self.producerName
        else { return nil }
        self = decoded
    }

    /// Compact JSON with sorted keys, so the same model always serialises to the same bytes.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
