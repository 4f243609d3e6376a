import Foundation
import Synchronization

/// Samples the agent's `downloads/` directory every few milliseconds while a test runs, and remembers the largest
/// file it saw: the evidence that the agent never wrote more than the announced size, even for a moment.
final class DownloadDirectoryWatch: Sendable {
    private let largest = Mutex(0)
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)

    /// Starts sampling `directory` (it may not exist yet).
    init(_ directory: String) {
        // Holds the watch until stopped (stop() or the test's end cancels it).
        let task = Task { [self] in
            while !Task.isCancelled {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
                for name in names {
                    let size = (try? FileManager.default.attributesOfItem(atPath: "\(directory)/\(name)")[.size] as? Int) ?? 0
                    self.largest.withLock { $0 = max($0, size) }
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        self.task.withLock { $0 = task }
    }

    /// The largest file seen so far.
    var largestFile: Int { largest.withLock { $0 } }

    /// Stops sampling.
    func stop() { task.withLock { $0?.cancel() } }
}
