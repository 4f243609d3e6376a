import Foundation
import TestSupport

/// Reads the collector's database with the real `sqlite3` tool, as an operator would.
enum SQLiteQuery {
    static func scalar(_ database: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, sql]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else { throw Mosquitto.Failure(description: "sqlite3 failed: \(text)") }
        return text
    }
}
