import Synchronization
import Training

/// The newest epoch report of a running training, written by the training thread and read by the job's reporter.
final class TrainingProgress: Sendable {
    private let latest = Mutex<EpochReport?>(nil)

    func update(_ report: EpochReport) { latest.withLock { $0 = report } }
    var report: EpochReport? { latest.withLock { $0 } }
}
