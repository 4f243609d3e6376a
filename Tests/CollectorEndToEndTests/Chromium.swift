import Foundation
import TestSupport

/// Headless chromium from Debian's package: loads a page like a user would and hands back the DOM.
enum Chromium {
    struct Page {
        var dom: String
        /// Console messages and load failures chromium logged (JavaScript errors, blocked or missing resources).
        var consoleErrors: [String]
    }

    static func locate() throws -> String {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        throw Mosquitto.Failure(description: "chromium not found; install Debian's chromium package (scripts/setup.sh does)")
    }

    static func load(_ url: String) throws -> Page {
        let profile = try Fixtures.temporaryDirectory("chromium-profile")
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try locate())
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--user-data-dir=\(profile.path)", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
                             "--dump-dom", url]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stderrData = Collected()
        let reader = Thread { stderrData.data = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let dom = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(10_000) }
        let log = String(decoding: stderrData.data, as: UTF8.self)
        let errors = log.split(separator: "\n").map(String.init).filter { line in
            line.contains("CONSOLE") || line.contains("Refused to") || line.contains("Failed to load resource") || line.contains("Uncaught")
        }
        return Page(dom: String(decoding: dom, as: UTF8.self), consoleErrors: errors)
    }

    final class Collected: @unchecked Sendable { var data = Data() }
}
