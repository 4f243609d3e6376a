import Bundles
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Small helpers shared by the bundle and keys subcommands.
enum BundleCLI {
    /// One label per line; trailing blank lines dropped.
    static func readLabels(_ path: String) throws -> [String] {
        var lines = String(decoding: try FileIO.read(path), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    static func prettyJSON<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(value)) + [UInt8(ascii: "\n")]
    }

    static func milliseconds(_ seconds: Double) -> String {
        let hundredths = (seconds * 100_000).rounded()
        guard hundredths.isFinite, hundredths < 1e15 else { return "\(seconds * 1000) ms" }
        let value = Int(hundredths)
        return "\(value / 100).\(value % 100 < 10 ? "0" : "")\(value % 100) ms"
    }
}
