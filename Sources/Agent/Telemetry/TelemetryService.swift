import FleetProtocol
import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Every interval, turns what the inference loop counted into telemetry reports in the disk queue.
///
/// On a graceful shutdown it writes a last report for the partial interval (nothing counted is lost) and an
/// `agent.stopping` event.
final class TelemetryService: Service {
    private let board: StatisticsBoard
    private let outbox: Outbox
    private let interval: Duration
    private let feedback: @Sendable () -> CaptureStatistics
    private let counters: @Sendable () -> [String: Double]
    /// The board's temperature and the agent's thermal state, as ``ThermalService`` last read them.
    private let thermal: ThermalControl
    private let logger: Logger
    /// CPU seconds and time at the previous report, for the CPU share over the interval.
    private let last: Mutex<(cpu: Double, instant: ContinuousClock.Instant)>

    init(board: StatisticsBoard, outbox: Outbox, interval: Duration, feedback: @escaping @Sendable () -> CaptureStatistics,
         counters: @escaping @Sendable () -> [String: Double], thermal: ThermalControl, logger: Logger) {
        self.board = board
        self.outbox = outbox
        self.interval = interval
        self.feedback = feedback
        self.counters = counters
        self.thermal = thermal
        self.logger = logger
        self.last = Mutex((SystemProbe.cpuSeconds(), .now))
    }

    func run() async throws {
        var next = ContinuousClock.now + interval
        while true {
            let deadline = next
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(until: deadline) }
            } catch {
                break
            }
            next = max(next + interval, .now)
            report()
        }
        report()
        outbox.event(DeviceEvent(name: .agentStopping, details: ["reason": "graceful shutdown"]))
    }

    /// Collects the interval(s) and queues one report per model that served.
    func report() {
        let now = SystemProbe.nowMilliseconds()
        let instant = ContinuousClock.now
        let cpu = SystemProbe.cpuSeconds()
        let previous = last.withLock { last in
            defer { last = (cpu, instant) }
            return last
        }
        let elapsed = Self.seconds(instant - previous.instant)
        let resources = ResourceUsage(rssBytes: SystemProbe.residentBytes(),
                                      cpuCores: elapsed > 0 ? max(0, cpu - previous.cpu) / elapsed : 0,
                                      temperatureCelsius: thermal.temperatureCelsius, throttled: SystemProbe.throttled(),
                                      thermalState: thermal.hasReading ? thermal.state : nil)
        let intervals = board.collect(now: now, instant: instant)
        let queue = outbox.queue.status
        Gauge(label: "edge_agent_queue_depth").record(queue.depth)
        Gauge(label: "edge_agent_queue_dropped").record(Int64(clamping: queue.dropped))
        var capture = feedback()
        let extra = counters()
        for (index, statistics) in intervals.enumerated() {
            let isLast = index == intervals.count - 1
            let end = isLast ? now : intervals[index + 1].startedAt
            let seconds = Self.seconds((isLast ? instant : intervals[index + 1].started) - statistics.started)
            capture.captured = statistics.captured
            capture.overBudget = statistics.overBudget
            let shadow = statistics.shadow.map {
                ShadowStatistics(candidate: $0, compared: statistics.shadowCompared, agreed: statistics.shadowAgreed)
            }
            let report = TelemetryReport(
                intervalStart: statistics.startedAt, intervalEnd: end, bundle: statistics.model,
                inferences: statistics.inferences, errors: statistics.errors, droppedInputs: statistics.droppedInputs,
                throughput: seconds > 0 ? Double(statistics.inferences) / seconds : 0,
                latency: statistics.latencySummary, predictions: statistics.predictions, confidence: statistics.confidence,
                features: statistics.featureCounts, resources: resources, queue: outbox.queue.status, shadow: shadow,
                capture: capture, counters: isLast ? extra : [:])
            outbox.enqueue(report)
            // Labels are reported once, with the first report of the interval.
            capture = CaptureStatistics()
            board.recycle(statistics)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
