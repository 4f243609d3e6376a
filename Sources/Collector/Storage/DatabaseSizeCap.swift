import Synchronization

/// The database size cap, shared by the store and the connection set-up closure GRDB keeps.
final class DatabaseSizeCap: Sendable {
    private let state: Mutex<Int64?>

    init(_ bytes: Int64?) { state = Mutex(bytes) }

    var bytes: Int64? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
