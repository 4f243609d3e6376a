/// Number formatting for reasons and tables, without Foundation's String(format:).
enum GateFormat {
    /// `value` with `digits` decimals (half away from zero); `nan` for NaN.
    static func fixed(_ value: Double, _ digits: Int = 4) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return "\(value)" }
        let whole = Int(scaled) / Int(scale)
        let fraction = Int(scaled) % Int(scale)
        var tail = String(fraction)
        while tail.count < digits { tail = "0" + tail }
        let sign = value < 0 && scaled > 0 ? "-" : ""
        return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(tail)"
    }

    /// A signed difference, e.g. `+0.0123` or `-0.0200`.
    static func signed(_ value: Double, _ digits: Int = 4) -> String {
        value >= 0 ? "+" + fixed(value, digits) : fixed(value, digits)
    }

    /// A p-value for a sentence: `p = 0.0123`, or `p < 0.0001`.
    static func pValue(_ p: Double) -> String { p < 0.0001 ? "p < 0.0001" : "p = " + fixed(p, 4) }

    /// Bytes in the unit a person reads fastest.
    static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20 { return "\(fixed(Double(bytes) / Double(1 << 20), 2)) MiB" }
        if bytes >= 1 << 10 { return "\(fixed(Double(bytes) / Double(1 << 10), 2)) KiB" }
        return "\(bytes) B"
    }
}
