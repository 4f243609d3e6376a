import Foundation
import FleetProtocol
import Logging
import MQTT
import ServiceLifecycle
import Synchronization

/// Serves bundles to devices as MQTT chunks on request, sends assignments, and records download progress.
///
/// The device drives the download: it asks for chunk N on `bundle/request` and the collector publishes
/// those bytes on `bundle/<digest>/<N>`. Any chunk can be asked for at any time, so a download resumes
/// wherever the device left off. Served chunks are folded into per-device progress once a second.
public final class DistributionService: Service, Sendable {
    enum Work: Sendable {
        case chunk(deviceID: String, request: ChunkRequest)
        /// The devices whose births one committed ingest batch held.
        case reborn(deviceIDs: [String])
    }

    let client: MQTTClient
    let store: any CollectorStore
    let clock: any WallClock
    let repository: BundleRepository
    let settings: DistributionSettings
    let metrics: CollectorMetrics
    let logger: Logger
    private let work: AsyncStream<Work>
    private let workContinuation: AsyncStream<Work>.Continuation
    private let served = Mutex<[ChunkServed]>([])
    private let rejectionLog = RateLimitedLog(perSecond: 5)

    public init(client: MQTTClient, store: any CollectorStore, repository: BundleRepository, settings: DistributionSettings,
                metrics: CollectorMetrics, clock: any WallClock = SystemWallClock(), logger: Logger) {
        self.client = client
        self.store = store
        self.clock = clock
        self.repository = repository
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        // Under overload the newest requests win: devices re-request what times out.
        (work, workContinuation) = AsyncStream.makeStream(of: Work.self, bufferingPolicy: .bufferingNewest(8192))
    }

    /// Queues a chunk request for answering.
    public func submit(deviceID: String, request: ChunkRequest) {
        workContinuation.yield(.chunk(deviceID: deviceID, request: request))
    }

    /// A device (re)started: send its pending assignment again, if any.
    public func deviceReborn(_ deviceID: String) {
        devicesReborn([deviceID])
    }

    /// Devices (re)started, their births committed in one ingest batch: their pending assignments are looked up in
    /// one query (``DistributionStore/latestAssignments(deviceIDs:)``) and sent again. At first contact of a whole
    /// fleet that is one query per batch, not one per device, and one work item (the queue keeps only the newest 8192).
    public func devicesReborn(_ deviceIDs: [String]) {
        guard !deviceIDs.isEmpty else { return }
        workContinuation.yield(.reborn(deviceIDs: deviceIDs))
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskGroup(of: Void.self) { handlers in
                    var running = 0
                    for await item in self.work.cancelOnGracefulShutdown() {
                        if running >= self.settings.maximumInFlight {
                            await handlers.next()
                            running -= 1
                        }
                        handlers.addTask { await self.handle(item) }
                        running += 1
                    }
                }
            }
            group.addTask {
                while !Task.isShuttingDownGracefully, !Task.isCancelled {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
                    await self.flushProgress()
                }
            }
        }
        await flushProgress()
    }

    private func handle(_ item: Work) async {
        switch item {
        case .chunk(let device, let request): await serve(device, request)
        case .reborn(let devices): await resendPending(devices)
        }
    }

    private func serve(_ device: String, _ request: ChunkRequest) async {
        do {
            try FleetProtocol.validateDigest(request.digest)
        } catch {
            return reject(device, IngestRejection(.unknownBundle, error.message))
        }
        guard let size = repository.size(of: request.digest) else {
            return reject(device, IngestRejection(.unknownBundle, "bundle \(request.digest) is not registered"))
        }
        guard (1024...(16 << 20)).contains(request.chunkSize), request.index >= 0 else {
            return reject(device, IngestRejection(.unknownBundle, "chunk size \(request.chunkSize) or index \(request.index) out of range"))
        }
        let chunkCount = (size + request.chunkSize - 1) / request.chunkSize
        guard request.index < chunkCount else {
            return reject(device, IngestRejection(.unknownBundle, "chunk \(request.index) is beyond the bundle's \(chunkCount) chunks"))
        }
        do {
            let bytes = try repository.read(request.digest, offset: request.index * request.chunkSize, length: request.chunkSize)
            let topic = try DeviceTopics(deviceID: device).bundleChunk(digest: request.digest, index: request.index)
            try await client.publish(topic: topic, payload: bytes, qos: .atLeastOnce)
            metrics.chunksServed.increment()
            metrics.chunkBytes.increment(by: bytes.count)
            let record = ChunkServed(deviceID: device, digest: request.digest, index: request.index, chunkSize: request.chunkSize,
                                     chunkCount: chunkCount, bytes: bytes.count, at: clock.now())
            served.withLock { $0.append(record) }
        } catch {
            logger.warning("serving a bundle chunk failed", metadata: ["device": "\(device)", "digest": "\(request.digest)",
                                                                      "index": "\(request.index)", "error": "\(error)"])
        }
    }

    private func reject(_ device: String, _ rejection: IngestRejection) {
        metrics.rejected(rejection.reason)
        if let suppressed = rejectionLog.permit() {
            logger.warning("refused a chunk request", metadata: ["device": "\(device)", "reason": "\(rejection.reason.rawValue)",
                                                                 "error": "\(rejection.message)", "suppressed": "\(suppressed)"])
        }
    }

    private func flushProgress() async {
        let batch = served.withLock { served -> [ChunkServed] in
            defer { served.removeAll() }
            return served
        }
        guard !batch.isEmpty else { return }
        do {
            try await store.recordServed(batch)
        } catch {
            // Progress is informational: keep the records for the next flush rather than lose them.
            served.withLock { $0.insert(contentsOf: batch.suffix(10_000), at: 0) }
            logger.warning("recording download progress failed", metadata: ["error": "\(error.message)"])
        }
    }

    /// Records an assignment and sends it to the device on its command topic.
    ///
    /// Returns once the broker accepted the command, or after `timeout` if the broker is unreachable; the
    /// assignment stays pending then and is sent again when the device's next birth arrives.
    public func assign(_ version: ModelVersionRecord, to deviceID: String, createdBy: String, shadowSeconds: Double? = nil,
                       minimumAgreement: Double? = nil, probationSeconds: Double? = nil,
                       timeout: Duration = .seconds(5)) async throws(CollectorError) -> (AssignmentRecord, delivered: Bool) {
        guard try await store.device(deviceID) != nil else {
            throw CollectorError(.notFound, "no device '\(deviceID)'; a device appears once its first message is stored")
        }
        let id = "asg-" + (0..<12).map { _ in String("0123456789abcdef".randomElement()!) }.joined()
        let record = AssignmentRecord(id: id, deviceID: deviceID, model: version.model, release: version.release, version: version.version,
                                      digest: version.digest, size: version.size, chunkSize: settings.chunkSize, shadowSeconds: shadowSeconds,
                                      minimumAgreement: minimumAgreement, probationSeconds: probationSeconds,
                                      createdAt: clock.now(), createdBy: createdBy)
        do {
            try record.assignment.validate(maximumSize: Int.max)
        } catch {
            throw CollectorError(.invalidRequest, error.message)
        }
        try await store.insert(record)
        let delivered = await send(record, timeout: timeout)
        try await store.record(CollectorEvent(name: "assignment.created", deviceID: deviceID, model: version.model,
                                              details: ["assignment": id, "release": "\(version.release)", "version": version.version,
                                                        "digest": version.digest, "by": createdBy, "delivered": "\(delivered)"]),
                               at: record.createdAt)
        return (record, delivered)
    }

    func send(_ record: AssignmentRecord, timeout: Duration) async -> Bool {
        do {
            let topic = try DeviceTopics(deviceID: record.deviceID).commands
            return try await publish(topic: topic, payload: try FleetCodec.encode(Command.assign(record.assignment)), timeout: timeout)
        } catch {
            logger.warning("sending an assignment failed", metadata: ["device": "\(record.deviceID)", "assignment": "\(record.id)",
                                                                     "error": "\(error)"])
            return false
        }
    }

    /// Publishes a command with QoS 1; true once the broker accepted it, false when `timeout` passed first (an
    /// unreachable broker must not hold an API request or a service's loop).
    func publish(topic: String, payload: [UInt8], timeout: Duration) async throws -> Bool {
        let client = self.client
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await client.publish(topic: topic, payload: payload, qos: .atLeastOnce)
                return true
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    private func resendPending(_ deviceIDs: [String]) async {
        guard let latest = try? await store.latestAssignments(deviceIDs: deviceIDs) else { return }
        let now = clock.now()
        let pending = latest.values.filter { $0.phase == nil && Double(now - $0.createdAt) < settings.resendWindowSeconds * 1000 }
        await withTaskGroup(of: Void.self) { group in
            for record in pending {
                group.addTask {
                    if await self.send(record, timeout: .seconds(5)) {
                        self.logger.info("sent a pending assignment again", metadata: ["device": "\(record.deviceID)", "assignment": "\(record.id)"])
                    }
                }
            }
        }
    }
}
