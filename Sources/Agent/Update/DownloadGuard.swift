/// The limits of one bundle download, as a pure value: an overall deadline derived from the announced size and
/// a minimum rate, a stall timeout since the last chunk written, and a bound on chunks the announced size rules
/// out. ``ChunkDownloader`` asks it after every wake-up whether to go on; the instants come from the caller (no
/// clock here), so the decisions are tested in process.
///
/// Why: without a deadline a source that trickles bytes (or goes silent) keeps the agent in `downloading` for
/// ever, and without a bound a source that keeps sending data nobody asked for keeps the agent busy discarding it.
/// A download that ends here fails the update (`downloadTimeout`, `excessData`); the serving model never changed.
public struct DownloadGuard: Sendable, Equatable {
    /// The configured limits (`update.downloadMinimumBytesPerSecond`, `.downloadGraceSeconds`,
    /// `.downloadStallSeconds`) and the tolerance for unexpected chunks.
    public struct Limits: Sendable, Equatable {
        public var minimumBytesPerSecond: Double
        public var graceSeconds: Double
        public var stallSeconds: Double
        /// Chunks the announced size rules out that are tolerated before the update is refused: a few stale
        /// ones (a re-sent assignment of the same bundle with another chunk size) are not an attack.
        public var maxUnexpectedChunks: Int

        public init(minimumBytesPerSecond: Double, graceSeconds: Double, stallSeconds: Double, maxUnexpectedChunks: Int = 8) {
            self.minimumBytesPerSecond = minimumBytesPerSecond
            self.graceSeconds = graceSeconds
            self.stallSeconds = stallSeconds
            self.maxUnexpectedChunks = maxUnexpectedChunks
        }
    }

    /// Chunks of the bundle being downloaded that its announced size rules out, counted since the download
    /// started (``ChunkInbox`` drops them on arrival: they are never kept or written).
    public struct Excess: Sendable, Equatable {
        /// Chunks whose index is at or past the announced chunk count.
        public var pastTheEnd = 0
        /// Chunks larger than their place in the bundle (`chunkSize`, or what is left of the size for the last).
        public var oversized = 0
        /// Bytes in both kinds together.
        public var bytes = 0
        /// The largest of them.
        public var largest = 0

        public init(pastTheEnd: Int = 0, oversized: Int = 0, bytes: Int = 0, largest: Int = 0) {
            self.pastTheEnd = pastTheEnd
            self.oversized = oversized
            self.bytes = bytes
            self.largest = largest
        }

        public var chunks: Int { pastTheEnd + oversized }

        /// Counts one chunk of `count` bytes.
        public mutating func record(bytes count: Int, pastTheEnd isPastTheEnd: Bool) {
            if isPastTheEnd { pastTheEnd += 1 } else { oversized += 1 }
            bytes += count
            largest = max(largest, count)
        }
    }

    public let limits: Limits
    /// The announced size of the bundle and its chunk size.
    public let size: Int
    public let chunkSize: Int
    /// When the download began (in this process: a restart resumes from the chunks on disk with a new deadline
    /// for what is left).
    public let started: ContinuousClock.Instant
    /// `started` + grace + the bytes still missing at the start at the minimum rate.
    public let deadline: ContinuousClock.Instant
    /// When the last chunk was written (or the download began).
    public private(set) var lastProgress: ContinuousClock.Instant

    /// A download of `size` bytes in chunks of `chunkSize` of which `remaining` are still missing, starting `now`.
    public init(size: Int, chunkSize: Int, remaining: Int, limits: Limits, now: ContinuousClock.Instant) {
        self.limits = limits
        self.size = size
        self.chunkSize = chunkSize
        started = now
        lastProgress = now
        let seconds = limits.graceSeconds + Double(max(remaining, 0)) / limits.minimumBytesPerSecond
        // At most a year: the validated limits keep it far below, and a Duration from a huge Double would trap.
        deadline = now + .milliseconds(Int64(min(seconds, 365 * 86_400) * 1000))
    }

    /// A chunk was written at `now`.
    public mutating func progressed(at now: ContinuousClock.Instant) {
        lastProgress = now
    }

    /// Whether the download must end at `now`: nil to go on, or why it fails. `written` is the bytes on disk.
    public func verdict(at now: ContinuousClock.Instant, written: Int, excess: Excess) -> UpdateError? {
        if excess.chunks > limits.maxUnexpectedChunks {
            return UpdateError(.excessData,
                "the source sent \(excess.chunks) chunks the announced size rules out (\(excess.pastTheEnd) past the last chunk, "
                + "\(excess.oversized) larger than their place, \(excess.bytes) bytes, the largest \(excess.largest) bytes) for a bundle "
                + "announced as \(size) bytes in chunks of \(chunkSize); refusing it (\(written) bytes written, never more than announced)")
        }
        if now >= deadline {
            return UpdateError(.downloadTimeout,
                "the download did not finish within its deadline of \(Self.seconds(deadline - started)) s "
                + "(update.downloadGraceSeconds \(limits.graceSeconds) + \(size) bytes at update.downloadMinimumBytesPerSecond "
                + "\(limits.minimumBytesPerSecond)): \(written) of \(size) bytes arrived; the source is too slow")
        }
        if now - lastProgress >= .milliseconds(Int64(limits.stallSeconds * 1000)) {
            return UpdateError(.downloadTimeout,
                "no chunk arrived for \(limits.stallSeconds) s (update.downloadStallSeconds) with \(written) of \(size) bytes "
                + "written; the source stalled")
        }
        return nil
    }

    /// How long to wait for a chunk at `now`: the re-request interval, cut short by the deadline or the stall
    /// timeout, whichever comes first (at least a millisecond).
    public func wait(at now: ContinuousClock.Instant, chunkTimeout: Duration) -> Duration {
        let stall = lastProgress + .milliseconds(Int64(limits.stallSeconds * 1000))
        return max(.milliseconds(1), min(chunkTimeout, deadline - now, stall - now))
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return ((Double(seconds) + Double(attoseconds) / 1e18) * 10).rounded() / 10
    }
}
