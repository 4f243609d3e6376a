/// Tags and groups: short names stored comma-joined, so listing 10,000 devices needs no JSON decoding.
public enum LabelList {
    /// A label: 1–64 of `A–Z a–z 0–9 . _ - : = /`.
    public static func validate(_ label: String) throws(CollectorError) {
        guard !label.isEmpty, label.utf8.count <= 64,
              label.utf8.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || ".-_:=/".utf8.contains($0) })
        else {
            throw CollectorError(.invalidRequest, "label '\(label)' must have 1 to 64 of the characters A-Z a-z 0-9 . _ - : = /")
        }
    }

    /// Validated, de-duplicated, sorted, joined.
    static func encode(_ labels: [String]) throws(CollectorError) -> String {
        guard labels.count <= 64 else { throw CollectorError(.invalidRequest, "at most 64 labels, got \(labels.count)") }
        for label in labels { try validate(label) }
        return Set(labels).sorted().joined(separator: ",")
    }

    static func decode(_ text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: ",").map(String.init)
    }
}
