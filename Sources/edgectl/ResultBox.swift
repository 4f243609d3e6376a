import Foundation

/// Holds a result across threads for ``Result/wait(_:)``.
final class ResultBox<Success: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Success, any Error> = .failure(CommandLineError("no answer"))

    func set(_ value: Result<Success, any Error>) {
        lock.lock()
        result = value
        lock.unlock()
    }

    func get() -> Result<Success, any Error> {
        lock.lock()
        defer { lock.unlock() }
        return result
    }
}
