import Foundation
import XCTest

/// A real `sqlite3` process holding the database's write lock (BEGIN EXCLUSIVE) until released.
final class SQLiteLocker: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private var released = false

    init(path: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path]
        process.standardInput = input
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data("PRAGMA busy_timeout=5000;\nBEGIN EXCLUSIVE;\nSELECT 'locked';\n".utf8))
        // Wait until the lock is really held: sqlite3 prints after BEGIN has succeeded.
        let deadline = Date().addingTimeInterval(15)
        var seen = Data()
        while Date() < deadline, !String(decoding: seen, as: UTF8.self).contains("locked") {
            seen += output.fileHandleForReading.availableData
        }
        guard String(decoding: seen, as: UTF8.self).contains("locked") else {
            process.terminate()
            throw NSError(domain: "SQLiteLocker", code: 1, userInfo: [NSLocalizedDescriptionKey: "sqlite3 did not take the lock: \(String(decoding: seen, as: UTF8.self))"])
        }
    }

    /// Ends the process with SIGKILL, as a crashed tool would: the lock goes with it.
    func release() {
        guard !released else { return }
        released = true
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { release() }
}
