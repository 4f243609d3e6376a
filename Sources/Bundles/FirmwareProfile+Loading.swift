#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension FirmwareProfile {
    /// Loads a profile from a path, or by id from `directory` (`<directory>/<id>.json`).
    public static func load(_ pathOrID: String, directory: String = "firmware-profiles") throws(BundleError) -> FirmwareProfile {
        let candidates = pathOrID.hasSuffix(".json") || pathOrID.contains("/") ? [pathOrID] : ["\(directory)/\(pathOrID).json", pathOrID]
        for candidate in candidates where FileIO.exists(candidate) {
            return try decode(try FileIO.read(candidate))
        }
        let known = (try? all(in: directory).map(\.id).joined(separator: ", ")) ?? ""
        throw BundleError(.invalidInput,
            "no firmware profile '\(pathOrID)'" + (known.isEmpty ? "" : "; known profiles in \(directory): \(known)"))
    }

    /// Every profile in `directory`, sorted by id.
    public static func all(in directory: String) throws(BundleError) -> [FirmwareProfile] {
        var profiles: [FirmwareProfile] = []
        for name in try FileIO.list(directory) where name.hasSuffix(".json") {
            profiles.append(try decode(try FileIO.read("\(directory)/\(name)")))
        }
        return profiles.sorted { $0.id < $1.id }
    }
}
