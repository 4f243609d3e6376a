/// A semantic version (semver.org 2.0): MAJOR.MINOR.PATCH with optional pre-release and build parts.
public struct SemanticVersion: Sendable, Equatable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int
    public let preRelease: String?
    public let build: String?

    /// Parses `1.4.0`, `2.0.0-rc.1`, `1.0.0+sha.5114f85`.
    public init(_ text: String) throws(BundleError) {
        var rest = Substring(text)
        var build: String?
        if let plus = rest.firstIndex(of: "+") {
            build = String(rest[rest.index(after: plus)...])
            rest = rest[..<plus]
        }
        var preRelease: String?
        if let dash = rest.firstIndex(of: "-") {
            preRelease = String(rest[rest.index(after: dash)...])
            rest = rest[..<dash]
        }
        let numbers = rest.split(separator: ".", omittingEmptySubsequences: false)
        let parsed = numbers.compactMap { part -> Int? in
            guard !part.isEmpty, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                  part == "0" || !part.hasPrefix("0") else { return nil }
            return Int(part)
        }
        func validIdentifiers(_ text: String?) -> Bool {
            guard let text else { return true }
            return !text.isEmpty && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
                !part.isEmpty && part.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
            }
        }
        guard numbers.count == 3, parsed.count == 3, validIdentifiers(preRelease), validIdentifiers(build) else {
            throw BundleError(.invalidInput, "'\(text)' is not a semantic version (expected MAJOR.MINOR.PATCH, e.g. 1.4.0)")
        }
        major = parsed[0]
        minor = parsed[1]
        patch = parsed[2]
        self.preRelease = preRelease
        self.build = build
    }

    public var description: String {
        "\(major).\(minor).\(patch)" + (preRelease.map { "-\($0)" } ?? "") + (build.map { "+\($0)" } ?? "")
    }
}
