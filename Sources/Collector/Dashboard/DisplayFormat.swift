import Foundation

/// Numbers and times as the dashboard shows them.
enum DisplayFormat {
    static func ago(_ milliseconds: Int64?, now: Int64) -> String {
        guard let milliseconds else { return "never" }
        let seconds = max(0, (now - milliseconds) / 1000)
        if seconds < 60 { return "\(seconds) s ago" }
        if seconds < 3600 { return "\(seconds / 60) min ago" }
        if seconds < 86_400 { return "\(seconds / 3600) h ago" }
        return "\(seconds / 86_400) d ago"
    }

    static func timestamp(_ milliseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// Latency with two decimals below 10 ms, one above (formatted without `String(format:)`, which is slow).
    static func milliseconds(fromMicros micros: UInt64) -> String {
        if micros < 10_000 {
            let hundredths = (micros + 5) / 10
            return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) ms"
        }
        let tenths = (micros + 50) / 100
        return "\(tenths / 10).\(tenths % 10) ms"
    }

    /// Inferences per second with one decimal.
    static func rate(_ value: Double) -> String {
        guard value.isFinite, value >= 0 else { return "—" }
        let tenths = UInt64((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)/s"
    }

    static func bytes(_ count: Int) -> String {
        if count >= 1 << 20 { return decimal(Double(count) / Double(1 << 20), digits: 1) + " MiB" }
        if count >= 1 << 10 { return decimal(Double(count) / Double(1 << 10), digits: 1) + " KiB" }
        return "\(count) B"
    }

    /// `value` rounded to `digits` decimals (at most 9), written with integer arithmetic rather than `String(format:)`
    /// (slow, and its C varargs are the least portable part of the dashboard); `—` when not finite or too large.
    static func decimal(_ value: Double, digits: Int) -> String {
        let digits = min(max(digits, 0), 9)
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value * Double(scale)).rounded()
        guard scaled.isFinite, abs(scaled) < 9e15 else { return value.isFinite ? "\(value)" : "—" }
        let units = Int64(scaled)
        let sign = units < 0 ? "-" : ""
        let magnitude = units.magnitude
        guard digits > 0 else { return sign + "\(magnitude)" }
        let fraction = String(magnitude % UInt64(scale))
        return sign + "\(magnitude / UInt64(scale))." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}
