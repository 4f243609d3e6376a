import Metrics
import Synchronization

/// A swift-metrics backend that keeps each metric's current value for the telemetry report's `counters`.
///
/// The executable bootstraps it (`MetricsSystem.bootstrap(TelemetryMetrics.shared)`); libraries only record.
/// Counters add up, meters and recorders keep the last value, timers the last duration in seconds. Keys are the
/// label followed by `{name=value,…}` dimensions.
public final class TelemetryMetrics: MetricsFactory {
    public static let shared = TelemetryMetrics()

    private final class Cell: CounterHandler, FloatingPointCounterHandler, RecorderHandler, MeterHandler, TimerHandler {
        let value = Mutex<Double>(0)

        func increment(by amount: Int64) { value.withLock { $0 += Double(amount) } }
        func increment(by amount: Double) { value.withLock { $0 += amount } }
        func decrement(by amount: Double) { value.withLock { $0 -= amount } }
        func reset() { value.withLock { $0 = 0 } }
        func record(_ sample: Int64) { value.withLock { $0 = Double(sample) } }
        func record(_ sample: Double) { value.withLock { $0 = sample } }
        func set(_ sample: Int64) { value.withLock { $0 = Double(sample) } }
        func set(_ sample: Double) { value.withLock { $0 = sample } }
        func recordNanoseconds(_ duration: Int64) { value.withLock { $0 = Double(duration) / 1e9 } }
    }

    private let cells = Mutex<[String: Cell]>([:])

    public init() {}

    /// Every metric's current value.
    public func snapshot() -> [String: Double] {
        cells.withLock { cells in cells.mapValues { $0.value.withLock { $0 } } }
    }

    private func cell(_ label: String, _ dimensions: [(String, String)]) -> Cell {
        let key = dimensions.isEmpty ? label : "\(label){\(dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ","))}"
        return cells.withLock { cells in
            if let existing = cells[key] { return existing }
            let made = Cell()
            cells[key] = made
            return made
        }
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { cell(label, dimensions) }
    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler { cell(label, dimensions) }
    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler { cell(label, dimensions) }
    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { cell(label, dimensions) }
    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { cell(label, dimensions) }
    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    public func destroyMeter(_ handler: any MeterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}
}
