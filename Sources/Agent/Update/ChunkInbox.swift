import Metrics
import Synchronization

/// Bundle chunks received for the download in progress, until the downloader writes them in order.
///
/// Bounded: only chunks of the expected bundle within the request window are kept; anything else (a stale
/// bundle, a duplicate, a chunk far ahead) is dropped on arrival. Chunks of the expected bundle that its
/// announced size rules out — past the last chunk, or larger than their place in the file — are dropped too and
/// counted in ``excess``, so that a source sending endless data is refused (``DownloadGuard``) rather than
/// discarded for ever, and never kept in memory.
final class ChunkInbox: Sendable {
    private struct State {
        var digest: String?
        var size = 0
        var chunkSize = 1
        var lowest = 0
        var window = 0
        var chunks: [Int: [UInt8]] = [:]
        var excess = DownloadGuard.Excess()
    }

    private let state = Mutex(State())
    let arrivals = Wakeup()

    /// Starts accepting chunks of `digest` (announced as `size` bytes in chunks of `chunkSize`) from `lowest` to
    /// `lowest + window - 1`; the excess count restarts when the digest changes.
    func expect(_ digest: String, size: Int, chunkSize: Int, from lowest: Int, window: Int) {
        state.withLock { state in
            if state.digest != digest {
                state.chunks.removeAll()
                state.excess = DownloadGuard.Excess()
            }
            state.digest = digest
            state.size = size
            state.chunkSize = max(chunkSize, 1)
            state.lowest = lowest
            state.window = window
            state.chunks = state.chunks.filter { $0.key >= lowest && $0.key < lowest + window }
        }
    }

    /// Accepts nothing until the next ``expect``.
    func stop() {
        state.withLock { state in
            state = State()
        }
    }

    /// A chunk arrived (dispatch task).
    func deliver(digest: String, index: Int, bytes: [UInt8]) {
        let (signal, excess) = state.withLock { state -> (Bool, Bool) in
            guard digest == state.digest, index >= 0 else { return (false, false) }
            let chunkCount = (state.size + state.chunkSize - 1) / state.chunkSize
            if index >= chunkCount || bytes.count > min(state.chunkSize, state.size - index * state.chunkSize) {
                state.excess.record(bytes: bytes.count, pastTheEnd: index >= chunkCount)
                return (true, true)
            }
            guard index >= state.lowest, index < state.lowest + state.window else { return (false, false) }
            state.chunks[index] = bytes
            return (true, false)
        }
        if excess { Counter(label: "edge_agent_chunks_discarded_total", dimensions: [("reason", "excess")]).increment() }
        if signal { arrivals.signal() }
    }

    /// Takes chunk `index` if it has arrived.
    func take(_ index: Int) -> [UInt8]? {
        state.withLock { state in state.chunks.removeValue(forKey: index) }
    }

    /// Whether chunk `index` is waiting.
    func has(_ index: Int) -> Bool { state.withLock { $0.chunks[index] != nil } }

    /// The chunks dropped since the download of the current digest began because its announced size rules them out.
    var excess: DownloadGuard.Excess { state.withLock { $0.excess } }
}
