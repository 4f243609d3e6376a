import FleetSupport
import Foundation

/// Paths of the fixtures shipped in the repository, found from this file's location so tests run from anywhere.
public enum Fixtures {
    /// The repository root.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures/conformance`.
    public static let conformance = root.appendingPathComponent("Tests/Fixtures/conformance")

    /// Names of the conformance fixture folders, sorted.
    public static var conformanceModels: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: conformance.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: conformance.appendingPathComponent("\($0)/model.tflite").path) }.sorted()
    }

    /// Bytes of a fixture file, e.g. `bytes("kws_ref_model/model.tflite")`.
    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: conformance.appendingPathComponent(relativePath)))
    }

    /// A fresh temporary directory, removed by the caller (or left for the OS on failure).
    public static func temporaryDirectory(_ name: String = "edgefleet") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A small deterministic generator (the package's SplitMix64) so fuzz and property tests are reproducible.
public typealias SeededGenerator = SplitMix64
