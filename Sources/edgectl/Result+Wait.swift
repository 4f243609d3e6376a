import Dispatch

extension Result where Failure == any Error {
    /// Blocks the calling thread until `start` calls back (edgectl's commands are synchronous).
    static func wait(_ start: (@escaping @Sendable (Result<Success, any Error>) -> Void) -> Void) -> Result<Success, any Error> where Success: Sendable {
        let semaphore = DispatchSemaphore(value: 0)
        let box = ResultBox<Success>()
        start { result in
            box.set(result)
            semaphore.signal()
        }
        semaphore.wait()
        return box.get()
    }
}
