/// Everything about a client that more than one thread touches, guarded by `ClientCore.state`.
///
/// Written by the network thread (callbacks, loop) and by tasks calling the public API; every
/// access is inside `Mutex.withLock`, and no lock is held while calling into libmosquitto.
struct ClientState {
    /// Whether a network thread exists and what it has been asked to do.
    enum Lifecycle {
        /// No network thread; `connect()` may start one.
        case idle
        /// A network thread is connecting, connected or waiting to reconnect.
        case running
        /// A stop was requested; the network thread is sending DISCONNECT and finishing.
        case stopping
    }

    var lifecycle: Lifecycle = .idle
    /// Incremented for every network thread started, so late registrations can tell runs apart.
    var runID: UInt64 = 0
    /// Why the last run ended without ever connecting; reported to `connect()` callers that
    /// registered after the network thread had already given up.
    var lastRunError: MQTTError?
    /// `shutdown()` was called: nothing may start a network thread any more.
    var shutdownRequested = false
    /// The libmosquitto handle has been destroyed and the userdata reference released.
    var destroyed = false
    /// The `MQTTClient` went away while the thread ran: the thread destroys the handle when it ends.
    var destroyWhenStopped = false

    var connectionState: MQTTConnectionState = .disconnected(nil)
    /// The broker accepted this connection: packets may be queued on it.
    var connackReceived = false
    /// A CONNACK succeeded during this run, so later failures are retried instead of reported.
    var connectedThisRun = false
    var reconnectAttempt = 0
    /// Incremented whenever a connection ends; SUBACK/UNSUBACK waiters from an older epoch are moot.
    var connectionEpoch: UInt64 = 0
    /// The CONNACK code of a refused attempt, reported instead of the disconnect that follows it.
    var connackFailure: Int32?
    /// The `on_disconnect` code of the connection that just ended (0 after our own DISCONNECT).
    var disconnectCode: Int32?
    /// SUBSCRIBE packets sent after CONNACK, by message id; `.connected` once all are acknowledged.
    var resubscribePending: [Int32: String] = [:]
    var sessionPresent = false

    /// The subscriptions to (re-)establish on every connection, in the order they were made.
    var subscriptions: [Subscription] = []
    /// Tasks waiting for the `.connected` state (`connect()`, QoS 1 publishes while reconnecting).
    var readyWaiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    var stopWaiters: [CheckedContinuation<Void, Never>] = []
    /// Tasks waiting for PUBACK, SUBACK or UNSUBACK, by libmosquitto message id.
    var ackWaiters: [Int32: AckWaiter] = [:]
    /// Acknowledgements that arrived while a caller was between its libmosquitto call and its
    /// registration in `ackWaiters`; see `ClientCore.awaitAcknowledgement`.
    var unclaimedAcks: [Int32: [Int32]] = [:]
    /// Calls into libmosquitto from tasks (not the network thread) that have not finished, up to
    /// registering for their acknowledgement. Acks finding no waiter while any exist are parked,
    /// and the handle is destroyed only when there are none.
    var callsInFlight = 0
    var observers: [UInt64: AsyncStream<MQTTConnectionState>.Continuation] = [:]
    private var lastToken: UInt64 = 0

    mutating func makeToken() -> UInt64 {
        lastToken &+= 1
        return lastToken
    }

    /// Records a new state and tells every observer, in the order the changes happen.
    mutating func setConnectionState(_ newState: MQTTConnectionState) {
        guard newState != connectionState else { return }
        connectionState = newState
        for observer in observers.values {
            observer.yield(newState)
        }
    }

    /// Ends an ack-producing call: the caller has registered (or given up), so unclaimed acks
    /// that nobody can claim any more are garbage.
    mutating func endCallInFlight() {
        callsInFlight -= 1
        if callsInFlight == 0 {
            unclaimedAcks.removeAll(keepingCapacity: true)
        }
    }

    /// Removes and returns the waiters that cannot outlive the current connection.
    mutating func takeConnectionScopedWaiters() -> [AckWaiter] {
        let moot = ackWaiters.filter { $0.value.kind != .publish }
        for mid in moot.keys {
            ackWaiters.removeValue(forKey: mid)
        }
        return Array(moot.values)
    }

    mutating func recordSubscription(_ filter: String, qos: MQTTQoS) {
        if let index = subscriptions.firstIndex(where: { $0.filter == filter }) {
            subscriptions[index].qos = qos
        } else {
            subscriptions.append(Subscription(filter: filter, qos: qos))
        }
    }

    mutating func forgetSubscription(_ filter: String) {
        subscriptions.removeAll { $0.filter == filter }
    }
}
