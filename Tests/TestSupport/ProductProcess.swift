import Foundation

/// Runs the package's built executables (edgectl, edge-agent, …) as real processes from tests.
public enum ProductProcess {
    public struct NotBuilt: Error, CustomStringConvertible {
        public var description: String
    }

    /// The result of a finished process.
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Path of executable `name` built beside the test binary; throws (the test fails) when it is missing,
    /// because an integration test must never silently skip.
    public static func path(_ name: String) throws -> String {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the test binary sits in the products directory; on macOS it is inside an .xctest bundle.
        let candidates = [
            products.appendingPathComponent(name).path,
            products.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(name).path,
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw NotBuilt(description: "\(name) is not built next to the tests (looked at \(candidates[0])); build with `swift build --build-tests`")
        }
        return found
    }

    /// Runs `name` with `arguments` in the repository root and waits for it (at most `timeout` seconds).
    public static func run(_ name: String, _ arguments: [String], stdin: Data? = nil, timeout: TimeInterval = 120) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path(name))
        process.arguments = arguments
        process.currentDirectoryURL = Fixtures.root
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        // Drain both pipes concurrently so a chatty process cannot block on a full pipe.
        let stdoutData = Collected(), stderrData = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { stdoutData.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { stderrData.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw NotBuilt(description: "\(name) \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: stdoutData.data, as: UTF8.self),
                      stderr: String(decoding: stderrData.data, as: UTF8.self))
    }

    /// Bytes read by a background reader; the dispatch group's wait orders the write before the read.
    private final class Collected: @unchecked Sendable {
        var data = Data()
    }
}
