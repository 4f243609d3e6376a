import FleetProtocol
import Synchronization

/// Hands models to the inference thread, which switches between two inferences and reports back.
///
/// Requests wait in a mailbox that the loop checks (one atomic load) before every input, so a switch never
/// interrupts an inference, never drops an input and never runs a half-loaded model: the candidate is fully
/// prepared before it is posted here. Also publishes which model serves, for birth and status messages.
final class ModelSwitchboard: Sendable {
    enum Request: Sendable {
        case promote(ModelHandle, IntervalStatistics, CheckedContinuation<SwitchResult, Never>)
        case shadow(ModelHandle?, CheckedContinuation<SwitchResult, Never>)
    }

    private struct State {
        var requests: [Request] = []
        var stopped = false
        var serving: BundleReference
        var servingMACs: Int
        var shadow: BundleReference?
    }

    private let state: Mutex<State>
    private let pending = Atomic<Bool>(false)

    init(serving: BundleReference, macs: Int) {
        state = Mutex(State(serving: serving, servingMACs: macs))
    }

    /// The bundle serving now.
    var serving: BundleReference { state.withLock { $0.serving } }

    /// Multiply-accumulates per inference of the serving model (for latency budgets).
    var servingMACs: Int { state.withLock { $0.servingMACs } }

    /// The bundle running in shadow mode, if any.
    var shadow: BundleReference? { state.withLock { $0.shadow } }

    /// Makes `model` the serving model; returns the one it replaced.
    func promote(_ model: ModelHandle, statistics: IntervalStatistics) async -> SwitchResult {
        await withCheckedContinuation { continuation in
            post(.promote(model, statistics, continuation))
        }
    }

    /// Runs `model` beside the serving one on the same inputs (nil stops shadowing); returns the former shadow.
    func setShadow(_ model: ModelHandle?) async -> SwitchResult {
        await withCheckedContinuation { continuation in
            post(.shadow(model, continuation))
        }
    }

    private func post(_ request: Request) {
        let refused = state.withLock { state -> Request? in
            if state.stopped { return request }
            state.requests.append(request)
            pending.store(true, ordering: .releasing)
            return nil
        }
        if let refused { Self.resumeStopped(refused) }
    }

    /// True when requests wait; the inference thread checks this before every input.
    var hasPending: Bool { pending.load(ordering: .acquiring) }

    /// Takes the waiting requests (inference thread).
    func take() -> [Request] {
        state.withLock { state in
            pending.store(false, ordering: .releasing)
            defer { state.requests.removeAll() }
            return state.requests
        }
    }

    /// Records what serves now (inference thread, after a switch).
    func served(_ serving: BundleReference, shadow: BundleReference?, macs: Int) {
        state.withLock { state in
            state.serving = serving
            state.servingMACs = macs
            state.shadow = shadow
        }
    }

    /// The loop has ended: answers every waiting and future request with `stopped`.
    func stop() {
        let requests = state.withLock { state in
            state.stopped = true
            defer { state.requests.removeAll() }
            return state.requests
        }
        requests.forEach(Self.resumeStopped)
    }

    private static func resumeStopped(_ request: Request) {
        switch request {
        case .promote(_, _, let continuation), .shadow(_, let continuation):
            continuation.resume(returning: SwitchResult(previous: nil, pause: .zero, stopped: true))
        }
    }
}
