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
        if count >= 1 << 20 { return String(format: "%.1f MiB", Double(count) / Double(1 << 20)) }
        if count >= 1 << 10 { return String(format: "%.1f KiB", Double(count) / Double(1 << 10)) }
        return "\(count) B"
    }
}
