extension GateReport {
    /// The report as a person reads it: a header, one line per check, then `BLESSED` or `REFUSED: reason; reason`.
    public var text: String {
        var lines = ["candidate \(candidate)" + (champion.map { " vs champion \($0)" } ?? " (first version: no champion)")
                     + " on \(heldOutRows) held-out rows"]
        let idWidth = max(5, checks.map(\.id.count).max() ?? 0)
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        lines.append(pad("status", 6) + "  " + pad("check", idWidth) + "  " + pad("measured", 9) + "  " + pad("bound", 10) + "  reason")
        for c in checks {
            let status = switch c.status {
            case .passed: "pass"
            case .failed: "FAIL"
            case .notApplicable: c.required ? "n/a!" : "n/a"
            }
            let measured = c.measured.map { GateFormat.fixed($0) } ?? "-"
            let bound = c.threshold.map { (c.comparison ?? "") + " " + GateFormat.fixed($0) } ?? "-"
            lines.append(pad(status, 6) + "  " + pad(c.id, idWidth) + "  " + pad(measured, 9) + "  " + pad(bound, 10) + "  " + c.reason)
        }
        lines.append(blessed ? "BLESSED" : "REFUSED: " + reasons.joined(separator: "; "))
        return lines.joined(separator: "\n")
    }
}
