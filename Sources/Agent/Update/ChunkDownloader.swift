import FleetProtocol
import Logging
import Metrics
import MQTT

/// Fetches a bundle's chunks over MQTT into `downloads/<digest>.part` and checks its SHA-256: the I/O of the
/// `downloading` phase.
///
/// Resumable: whole chunks already on disk are kept across restarts (a torn last chunk is fetched again). It
/// asks for up to ``requestWindow`` chunks ahead and asks again after `chunkTimeoutSeconds`, within the limits of
/// a ``DownloadGuard``: the download fails when it misses its deadline, stalls, or the source sends more than the
/// announced size allows (a `cancel` command, i.e. task cancellation, ends it too). It never writes a byte beyond
/// the announced size: each chunk must be exactly its place in the file. Used by one update task at a time.
struct ChunkDownloader: Sendable {
    /// Chunks requested ahead of the one being written.
    static let requestWindow = 4

    var slots: SlotStore
    var chunks: ChunkInbox
    var outbox: Outbox
    var client: MQTTClient
    var chunkTimeout: Duration
    /// The deadline, stall timeout and excess bound of each download.
    var limits: DownloadGuard.Limits
    var fault: FaultInjection
    var logger: Logger
    /// Warnings a peer can trigger with chunks, at most once a minute each.
    var throttle: LogThrottle

    /// Downloads `assignment` completely; `.downloaded`, `.digestMismatch` (the file is removed), or
    /// `.downloadFailed` (deadline, stall or excess data; the update's failure step removes the file).
    func download(_ assignment: Assignment) async throws -> UpdateStateMachine.Outcome {
        let path = slots.downloadPath(assignment.digest)
        let chunkSize = assignment.chunkSize
        // Resume from whole chunks already on disk; a torn last chunk is fetched again.
        var have = min(DurableFiles.size(path) ?? 0, assignment.size)
        have -= have % chunkSize
        if have < assignment.size || (DurableFiles.size(path) ?? 0) != assignment.size {
            try DurableFiles.write([], at: 0, of: path, sync: false)
            try DurableFiles.truncate(path, to: have)
        }
        var written = 0
        var watch = DownloadGuard(size: assignment.size, chunkSize: chunkSize, remaining: assignment.size - have, limits: limits, now: .now)
        defer { chunks.stop() }
        var lastRequest: [Int: ContinuousClock.Instant] = [:]
        var misses = 0
        while have < assignment.size {
            let index = have / chunkSize
            let last = min(index + Self.requestWindow, assignment.chunkCount)
            chunks.expect(assignment.digest, size: assignment.size, chunkSize: chunkSize, from: index, window: Self.requestWindow)
            if let error = watch.verdict(at: .now, written: have, excess: chunks.excess) {
                Counter(label: "edge_agent_downloads_abandoned_total", dimensions: [("reason", error.code.rawValue)]).increment()
                logger.warning("bundle download abandoned", metadata: [
                    "digest": "\(assignment.digest.prefix(16))", "chunk": "\(index)", "error": "\(error)",
                ])
                return .downloadFailed(error)
            }
            for wanted in index..<last where !chunks.has(wanted) {
                if let sent = lastRequest[wanted], ContinuousClock.now - sent < chunkTimeout { continue }
                lastRequest[wanted] = .now
                await request(ChunkRequest(digest: assignment.digest, index: wanted, chunkSize: chunkSize))
            }
            guard let chunk = chunks.take(index) else {
                let arrived = await chunks.arrivals.wait(timeout: watch.wait(at: .now, chunkTimeout: chunkTimeout))
                try Task.checkCancellation()
                misses = arrived ? 0 : misses + 1
                if misses > 0, misses % 6 == 0 {
                    // The server may be down for a while; the download keeps asking until its stall timeout.
                    logger.warning("bundle chunks are not arriving; still asking", metadata: [
                        "digest": "\(assignment.digest.prefix(16))", "chunk": "\(index)", "timeouts": "\(misses)",
                    ])
                }
                continue
            }
            let expected = min(chunkSize, assignment.size - have)
            guard chunk.count == expected else {
                Counter(label: "edge_agent_chunks_discarded_total", dimensions: [("reason", "size")]).increment()
                throttle.warning("chunkSize", "discarding a chunk of the wrong size", metadata: [
                    "chunk": "\(index)", "bytes": "\(chunk.count)", "expected": "\(expected)",
                ], logger: logger)
                lastRequest[index] = nil
                continue
            }
            try DurableFiles.write(chunk, at: have, of: path, sync: false)
            have += chunk.count
            written += 1
            watch.progressed(at: .now)
            try await fault.hold(at: .downloading, chunks: written)
        }
        try DurableFiles.sync(path)
        let digest = await DedicatedThread.compute(name: "digest") { () -> String? in
            (try? DurableFiles.read(path)).flatMap { $0 }.map(BundleDigest.sha256Hex)
        }
        guard digest == assignment.digest else {
            try DurableFiles.remove(path)
            return .digestMismatch(actual: digest)
        }
        return .downloaded
    }

    /// Chunk requests go out directly (QoS 0): a lost one is simply asked again.
    private func request(_ request: ChunkRequest) async {
        let payload = outbox.direct(request)
        do {
            try await client.publish(topic: outbox.topics.bundleRequest, payload: payload, qos: .atMostOnce)
        } catch {
            logger.debug("chunk request not sent", metadata: ["chunk": "\(request.index)", "error": "\(error)"])
        }
    }
}
