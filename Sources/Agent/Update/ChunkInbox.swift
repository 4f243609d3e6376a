import Synchronization

/// Bundle chunks received for the download in progress, until the downloader writes them in order.
///
/// Bounded: only chunks of the expected bundle within the request window are kept; anything else (a stale
/// bundle, a duplicate, a chunk far ahead) is dropped on arrival.
final class ChunkInbox: Sendable {
    private struct State {
        var digest: String?
        var lowest = 0
        var window = 0
        var chunks: [Int: [UInt8]] = [:]
    }

    private let state = Mutex(State())
    let arrivals = Wakeup()

    /// Starts accepting chunks of `digest` from `lowest` to `lowest + window - 1`.
    func expect(_ digest: String?, from lowest: Int, window: Int) {
        state.withLock { state in
            if state.digest != digest { state.chunks.removeAll() }
            state.digest = digest
            state.lowest = lowest
            state.window = window
            state.chunks = state.chunks.filter { $0.key >= lowest && $0.key < lowest + window }
        }
    }

    /// A chunk arrived (dispatch task).
    func deliver(digest: String, index: Int, bytes: [UInt8]) {
        let kept = state.withLock { state -> Bool in
            guard digest == state.digest, index >= state.lowest, index < state.lowest + state.window else { return false }
            state.chunks[index] = bytes
            return true
        }
        if kept { arrivals.signal() }
    }

    /// Takes chunk `index` if it has arrived.
    func take(_ index: Int) -> [UInt8]? {
        state.withLock { state in state.chunks.removeValue(forKey: index) }
    }

    /// Whether chunk `index` is waiting.
    func has(_ index: Int) -> Bool { state.withLock { $0.chunks[index] != nil } }
}
