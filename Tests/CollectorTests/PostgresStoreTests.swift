@testable import Collector
import FleetProtocol
import FleetSim
import Foundation
import Logging
import Synchronization
import TestSupport
import XCTest

/// The PostgreSQL store on a real server (Debian's packages, started by ``PostgresServer``): the store contract, and
/// what is particular to a shared database (several collectors at once, migrations racing, the server restarting).
///
/// One server for the class, one database per test.
final class PostgresStoreTests: XCTestCase {
    nonisolated(unsafe) static var server: PostgresServer?
    var url = ""
    /// The pools of the stores a test opened, running until the test ends.
    var runs: [Task<Void, Never>] = []

    override class func setUp() {
        super.setUp()
        do { server = try PostgresServer() } catch { server = nil; setUpFailure = "\(error)" }
    }

    override class func tearDown() {
        server = nil
        super.tearDown()
    }

    nonisolated(unsafe) static var setUpFailure = ""

    override func setUpWithError() throws {
        // A server that cannot start fails every test (CI installs PostgreSQL): never a skip.
        guard let server = Self.server else { throw CollectorError(.storage, "PostgreSQL could not be started: \(Self.setUpFailure)") }
        url = try server.createDatabase("t_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "_"))")
    }

    override func tearDown() {
        for run in runs { run.cancel() }
        runs = []
        super.tearDown()
    }

    /// A store on this test's database, its pool running and its schema migrated.
    func open(_ options: PostgresOptions = PostgresOptions()) async throws -> PostgresStore {
        let store = try PostgresStore(url: url, options: options, logger: CollectorHarness.logger)
        runs.append(Task { await store.run() })
        try await store.migrate()
        return store
    }

    let now = Int64(Date().timeIntervalSince1970 * 1000)

    var contract: StoreContract {
        StoreContract(open: { [unowned self] in try await self.open() })
    }

    // MARK: The store contract

    func testAcknowledgesOnlyTheContiguousPrefixAndStoresReplaysOnce() async throws { try await contract.acknowledgesOnlyTheContiguousPrefixAndStoresReplaysOnce() }
    func testSamplesLabelsAndEventsTakePartInTheStream() async throws { try await contract.samplesLabelsAndEventsTakePartInTheStream() }
    func testAnEarlierUpdatePhaseArrivingLateDoesNotMoveTheAssignmentBack() async throws { try await contract.anEarlierUpdatePhaseArrivingLateDoesNotMoveTheAssignmentBack() }
    func testHeadSettlesWhatTheDeviceDropped() async throws { try await contract.headSettlesWhatTheDeviceDropped() }
    func testStreamsAreIndependentPerDeviceAndStream() async throws { try await contract.streamsAreIndependentPerDeviceAndStream() }
    func testGapsAndAcknowledgementsSurviveReopening() async throws { try await contract.gapsAndAcknowledgementsSurviveReopening() }
    func testDevicesRollupsAndLatestFigures() async throws { try await contract.devicesRollupsAndLatestFigures() }
    func testDevicesPageByCursorAndCountInSQL() async throws { try await contract.devicesPageByCursorAndCountInSQL() }
    func testABatchOfNewDevicesDecidesAsMessageByMessage() async throws { try await contract.aBatchOfNewDevicesDecidesAsMessageByMessage() }
    func testNewDevicesAreReadByFirstContact() async throws { try await contract.newDevicesAreReadByFirstContact() }
    func testLatestAssignmentsAnswerABatchOfDevicesAsOneByOne() async throws { try await contract.latestAssignmentsAnswerABatchOfDevicesAsOneByOne() }
    func testBundleChangesKeepThePreviousOneAndIgnoreLateReplays() async throws { try await contract.bundleChangesKeepThePreviousOneAndIgnoreLateReplays() }
    func testLabelsAreValidated() async throws { try await contract.labelsAreValidated() }
    func testOperationsFiguresCountProfilesGapsAndLosses() async throws { try await contract.operationsFiguresCountProfilesGapsAndLosses() }
    func testRetentionDeletesOnlyOldData() async throws { try await contract.retentionDeletesOnlyOldData() }
    func testAForgedFarAheadMessageIsQuarantinedAndRealMessagesAreStillStored() async throws {
        try await contract.aForgedFarAheadMessageIsQuarantinedAndRealMessagesAreStillStored()
    }
    func testAHeadAboveTheSequenceNumberIsQuarantined() async throws { try await contract.aHeadAboveTheSequenceNumberIsQuarantined() }
    func testALateCopyBelowTheHeadIsStoredOnce() async throws { try await contract.aLateCopyBelowTheHeadIsStoredOnce() }
    func testACorroboratedJumpIsAccepted() async throws { try await contract.aCorroboratedJumpIsAccepted() }
    func testDriftReportsAndTheirWindows() async throws { try await contract.driftReportsAndTheirWindows() }
    func testLearningLoopsAndLabelCounts() async throws { try await contract.learningLoopsAndLabelCounts() }
    func testRolloutsClaimTheirDevicesOnce() async throws { try await contract.rolloutsClaimTheirDevicesOnce() }
    func testRolloutReportsAndTheVersionLedger() async throws { try await contract.rolloutReportsAndTheVersionLedger() }
    func testSamplesAreStoredOnceByContentAndSnapshotsAreImmutable() async throws { try await contract.samplesAreStoredOnceByContentAndSnapshotsAreImmutable() }
    func testRetentionKeepsEverySampleASnapshotReferences() async throws { try await contract.retentionKeepsEverySampleASnapshotReferences() }
    func testLabelledCapturesJoinTheirNewestLabel() async throws { try await contract.labelledCapturesJoinTheirNewestLabel() }
    func testTrainingJobsMoveByCompareAndSet() async throws { try await contract.trainingJobsMoveByCompareAndSet() }

    // MARK: PostgreSQL only: several collectors, faults

    /// The snapshot guarantee is the database's, not only the adapter's: a direct UPDATE, DELETE or TRUNCATE of a
    /// snapshot or its members fails (the triggers of migration v6-learning), as SQLite's triggers make it fail.
    func testSnapshotsCannotBeChangedOrDeletedEvenBySQL() async throws {
        let store = try await open()
        let sample = DatasetSample(model: "m", dtype: "float32", shape: [1, 2], columns: ["f0", "f1"], bytes: DatasetSample.float32Bytes([1, 2]),
                                   label: "a", source: "import", capturedAt: now)
        _ = try await store.putSamples([sample])
        let snapshot = try await store.insert(DatasetSnapshot(model: "m", dtype: "float32", shape: [1, 2], columns: ["f0", "f1"], validationPercent: 0,
                                                              members: [SnapshotMember(sampleHash: sample.hash, label: "a", split: .train)],
                                                              createdAt: now, createdBy: "test", filter: SnapshotFilter(model: "m")))
        let id = snapshot.id, hash = sample.hash
        let names = ["UPDATE snapshots", "DELETE FROM snapshots", "UPDATE snapshot_members", "DELETE FROM snapshot_members", "TRUNCATE snapshot_members",
                     "DELETE FROM dataset_samples (a member)"]
        for (index, name) in names.enumerated() {
            do {
                try await store.writing("tampering") { connection in
                    let logger = CollectorHarness.logger
                    switch index {
                    case 0: _ = try await connection.query("UPDATE snapshots SET created_by = 'mallory' WHERE id = \(id)", logger: logger).collect()
                    case 1: _ = try await connection.query("DELETE FROM snapshots WHERE id = \(id)", logger: logger).collect()
                    case 2: _ = try await connection.query("UPDATE snapshot_members SET label = 'b' WHERE snapshot_id = \(id)", logger: logger).collect()
                    case 3: _ = try await connection.query("DELETE FROM snapshot_members WHERE snapshot_id = \(id)", logger: logger).collect()
                    case 4: _ = try await connection.query("TRUNCATE snapshot_members", logger: logger).collect()
                    default: _ = try await connection.query("DELETE FROM dataset_samples WHERE hash = \(hash)", logger: logger).collect()
                    }
                }
                XCTFail("the database allowed \(name)")
            } catch {
                // The triggers' messages for the snapshot tables; the member's foreign key for the sample.
                XCTAssertTrue(error.message.contains(index < 5 ? "snapshots are" : "foreign key"), "\(name): \(error.message)")
            }
        }
        let read = try await store.snapshot(id: snapshot.id)
        XCTAssertEqual(read, snapshot, "the snapshot is as it was stored")
        let kept = try await store.samples(hashes: [sample.hash])
        XCTAssertEqual(kept.count, 1)
    }

    /// Two collectors share a database; QoS 1 redelivery hands copies of the same messages to both at once. Each
    /// message is stored once, the acknowledgement ends at the last one, and every stored copy is counted once.
    func testTwoCollectorsIngestingOverlappingBatchesStoreEachMessageOnce() async throws {
        let first = try await open(), second = try await open()
        let devices = (0..<8).map { "d\($0)" }
        func batches(_ offset: Int) -> [[IngestMessage]] {
            stride(from: 1, through: 200, by: 20).map { start in
                devices.flatMap { device in (start..<(start + 20)).map { Messages.telemetry(device: device, seq: UInt64(($0 + offset - 1) % 200 + 1)) } }
            }
        }
        let now = self.now
        let plans = [(first, batches(0)), (second, batches(7))]
        let stored = try await withThrowingTaskGroup(of: Int.self) { group in
            for (store, plan) in plans {
                group.addTask {
                    var stored = 0
                    for batch in plan {
                        // Deadlocks and lock timeouts are busy conditions that ingest retries; so does this loop.
                        stored += try await PostgresStoreTests.retryingBusy { try await store.ingest(batch, receivedAt: now) }.stored
                    }
                    return stored
                }
            }
            return try await group.reduce(0, +)
        }
        XCTAssertEqual(stored, devices.count * 200, "each message stored by exactly one of the two collectors")
        let count = try await first.telemetryCount(deviceID: nil)
        XCTAssertEqual(count, devices.count * 200)
        for device in devices {
            let acked = try await second.acknowledged(deviceID: device, stream: "s1")
            XCTAssertEqual(acked, 200, device)
        }
        let rollups = try await first.rollups(.model("keyword-spotter", digest: nil), resolution: .hour, range: .all)
        XCTAssertEqual(rollups.map(\.reports).reduce(0, +), UInt64(devices.count * 200), "rollup merges from both collectors add up")
    }

    /// Collectors started together migrate one after the other: every migration applied once, both stores usable.
    func testAMigrationRunConcurrentlyByTwoCollectorsAppliesOnce() async throws {
        let first = try PostgresStore(url: url, logger: CollectorHarness.logger)
        let second = try PostgresStore(url: url, logger: CollectorHarness.logger)
        runs.append(Task { await first.run() })
        runs.append(Task { await second.run() })
        async let a: Void = first.migrate()
        async let b: Void = second.migrate()
        _ = try await (a, b)
        let applied = try await first.appliedMigrations()
        XCTAssertEqual(applied.sorted(), PostgresStore.migrations.map(\.name).sorted())
        let outcome = try await second.ingest([Messages.telemetry(device: "d", seq: 1)], receivedAt: now)
        XCTAssertEqual(outcome.stored, 1)
    }

    /// A database migrated by a newer collector (a migration this build does not know) is refused with an error that
    /// says what to do, and nothing is applied or changed.
    func testADatabaseFromANewerSchemaIsRefused() async throws {
        let store = try await open(PostgresOptions())
        let before = try await store.appliedMigrations()
        try await store.writing("recording a migration from the future") { connection in
            _ = try await connection.query("INSERT INTO schema_migrations (name) VALUES ('v99-from-the-future')", logger: CollectorHarness.logger)
        }
        let newer = try PostgresStore(url: url, logger: CollectorHarness.logger)
        runs.append(Task { await newer.run() })
        do {
            try await newer.migrate()
            XCTFail("a collector migrated a database written by a newer schema")
        } catch {
            XCTAssertEqual(error.code, .storage)
            XCTAssertTrue(error.message.contains("newer edge-collector"), error.message)
            XCTAssertTrue(error.message.contains("v99-from-the-future"), error.message)
        }
        let after = try await store.appliedMigrations()
        XCTAssertEqual(after.filter { $0 != "v99-from-the-future" }, before, "nothing applied after the refusal")
    }

    /// Every pooled connection busy: a request waits `leaseTimeoutSeconds`, fails as `storageBusy` (which ingest
    /// retries), and succeeds once a connection is free again.
    func testAnExhaustedPoolFailsAsBusyAndRecovers() async throws {
        let store = try await open(PostgresOptions(maximumConnections: 1, leaseTimeoutSeconds: 0.3))
        let holder = Task {
            try await store.reading("holding the only connection") { connection in
                _ = try await connection.query("SELECT pg_sleep(2)", logger: CollectorHarness.logger).collect()
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        do {
            _ = try await store.ingest([Messages.telemetry(device: "d", seq: 1)], receivedAt: now)
            XCTFail("a request got a connection from an exhausted pool")
        } catch {
            XCTAssertEqual(error.code, .storageBusy, error.message)
        }
        try await holder.value
        let outcome = try await store.ingest([Messages.telemetry(device: "d", seq: 1)], receivedAt: now)
        XCTAssertEqual(outcome.acknowledgements.first?.seq, 1)
    }

    /// PostgreSQL killed mid-ingest: batches fail as busy (nothing acknowledged), the pool reconnects when the server
    /// is back, and everything acknowledged before the crash is still there.
    func testPostgresRestartedMidIngestLosesNothingAcknowledged() async throws {
        let server = try XCTUnwrap(Self.server)
        let store = try await open(PostgresOptions(leaseTimeoutSeconds: 2))
        var acknowledged: UInt64 = 0
        for start in stride(from: 1, through: 100, by: 10) {
            let outcome = try await store.ingest((start..<(start + 10)).map { Messages.telemetry(device: "d", seq: UInt64($0)) }, receivedAt: now)
            acknowledged = outcome.acknowledgements.first?.seq ?? acknowledged
        }
        XCTAssertEqual(acknowledged, 100)
        server.kill()
        do {
            _ = try await store.ingest((101...110).map { Messages.telemetry(device: "d", seq: $0) }, receivedAt: now)
            XCTFail("a batch was stored while the database was down")
        } catch {
            XCTAssertEqual(error.code, .storageBusy, "a database that went away is a condition ingest retries: \(error.message)")
        }
        try server.start()
        let receivedAt = self.now
        let outcome = try await Self.retryingBusy(for: .seconds(30)) {
            try await store.ingest((101...110).map { Messages.telemetry(device: "d", seq: $0) }, receivedAt: receivedAt)
        }
        XCTAssertEqual(outcome.acknowledgements.first?.seq, 110, "ingest resumes by itself once the server is back")
        let count = try await store.telemetryCount(deviceID: "d")
        XCTAssertEqual(count, 110, "every batch acknowledged before the crash survived it")
    }

    /// Runs `body` until it does not fail as `storageBusy` (as ingest retries), for at most `limit`.
    static func retryingBusy<T: Sendable>(for limit: Duration = .seconds(60), _ body: @Sendable () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + limit
        while true {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            switch result {
            case .success(let value):
                return value
            case .failure(let error):
                guard (error as? CollectorError)?.code == .storageBusy, ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    // MARK: Leadership

    /// A leader that stops renewing (killed) loses the lease after its TTL; another collector takes it with a higher
    /// term, and a write the old leader attempts under its old term is refused.
    func testTheLeaseMovesToAnotherCollectorAndFencesTheOldLeader() async throws {
        let first = try await open(), second = try await open()
        let a = LeaderLease(backend: first, holder: "a", ttl: .milliseconds(800), logger: CollectorHarness.logger)
        let b = LeaderLease(backend: second, holder: "b", ttl: .milliseconds(800), logger: CollectorHarness.logger)
        let aLeads = await a.renew(), bLeads = await b.renew()
        XCTAssertTrue(aLeads)
        XCTAssertFalse(bLeads, "one leader at a time")
        let oldTerm = try XCTUnwrap(a.term)
        try await Task.sleep(for: .milliseconds(1000))
        XCTAssertFalse(a.isLeader, "a leader that could not renew stops acting by itself")
        let bTakesOver = await b.renew()
        XCTAssertTrue(bTakesOver)
        XCTAssertEqual(b.term, oldTerm + 1, "the term grows with the change of holder")
        do {
            try await first.fenced("recording a leader-only event", lease: "collector", holder: "a", term: oldTerm) { connection in
                _ = try await connection.query("INSERT INTO events (source, name, time, received_at) VALUES ('collector', 'stale', 0, 0)",
                                               logger: CollectorHarness.logger)
            }
            XCTFail("the old leader wrote after losing the lease")
        } catch {
            XCTAssertEqual(error.code, .conflict, error.message)
        }
        let stale = try await first.events(EventFilter(name: "stale", range: .all))
        XCTAssertTrue(stale.isEmpty)
        let aLeadsAgain = await a.renew()
        XCTAssertFalse(aLeadsAgain, "the old leader sees it lost")
        let holder = try await first.leaseHolder(name: "collector")
        XCTAssertEqual(holder?.holder, "b")
    }

    /// Two collectors on one database each run the learning loop service: only the leader steps the loop (only its
    /// ports are asked for a capture); when the leader stops, the other takes over and continues the stored cycle
    /// where it was (the snapshot is taken once, by the new leader, and the capture is not requested again).
    func testOnlyTheLeaderRunsTheLearningLoopAndAFollowerTakesOverTheCycle() async throws {
        let first = try await open(), second = try await open()
        let a = LeaderLease(backend: first, holder: "a", ttl: .milliseconds(600), logger: CollectorHarness.logger)
        let b = LeaderLease(backend: second, holder: "b", ttl: .milliseconds(600), logger: CollectorHarness.logger)
        let aLeads = await a.renew()
        XCTAssertTrue(aLeads)
        let policy = LearningLoopPolicy(mode: .automatic, minimumLabelledSamples: 100, labelTimeoutSeconds: 600, trainingTimeoutSeconds: 300,
                                        coolDownSeconds: 60, rollout: true)
        let settings = LearningLoopSettings(intervalSeconds: 0.05, models: ["m": policy])
        let clock = ManualWallClock(1_000_000)
        let portsA = LearningLoopTests.FakePorts(), portsB = LearningLoopTests.FakePorts()
        for ports in [portsA, portsB] {
            ports.state.withLock { $0.drift = .drift(reportID: 1, alarmed: true, cohorts: ["profile=p"], devices: ["a", "b"]) }
        }
        let serviceA = LearningLoopService(store: first, ports: portsA, settings: settings, clock: clock, leadership: a, logger: CollectorHarness.logger)
        let serviceB = LearningLoopService(store: second, ports: portsB, settings: settings, clock: clock, leadership: b, logger: CollectorHarness.logger)
        let leaseA = Task { try await a.run() }, runA = Task { try await serviceA.run() }
        let leaseB = Task { try await b.run() }, runB = Task { try await serviceB.run() }
        defer { for task in [leaseA, runA, leaseB, runB] { task.cancel() } }

        try await Self.waitUntil { (try await first.learningLoop(model: "m"))?.phase == .capturing }
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertEqual(portsA.state.withLock { $0.captures }, [["a", "b"]], "the leader requested the capture once")
        XCTAssertTrue(portsB.state.withLock { $0.captures.isEmpty }, "the follower did nothing")

        // The leader stops (its lease and its service); the follower takes over within the lease's TTL.
        leaseA.cancel()
        runA.cancel()
        _ = await runA.result
        for ports in [portsA, portsB] { ports.state.withLock { $0.labelled = 150 } }
        try await Self.waitUntil(for: .seconds(10)) { (try await second.learningLoop(model: "m"))?.phase == .training }
        XCTAssertTrue(b.isLeader)
        XCTAssertEqual(portsB.state.withLock { $0.snapshots }, 1, "the new leader took the snapshot")
        XCTAssertEqual(portsA.state.withLock { $0.snapshots }, 0)
        XCTAssertTrue(portsB.state.withLock { $0.captures.isEmpty }, "the cycle continued: the capture was not requested again")
        let loop = try await second.learningLoop(model: "m")
        XCTAssertEqual(loop?.cycle, 1)
        XCTAssertEqual(loop?.job, "job-snap1")
    }

    /// Polls `condition` every 50 ms until it holds; fails after `limit`.
    static func waitUntil(for limit: Duration = .seconds(5), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw CollectorError(.storage, "a condition did not hold within \(limit)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// A leader whose lease runs out while it is writing: its write, begun under a valid lease, commits first, and
    /// the next leader's term starts only after it (the takeover waits for the fenced transaction).
    func testALeaderThatLosesItsLeaseWhileWritingFinishesBeforeTheNextTermStarts() async throws {
        let first = try await open(), second = try await open()
        let a = LeaderLease(backend: first, holder: "a", ttl: .milliseconds(500), logger: CollectorHarness.logger)
        let b = LeaderLease(backend: second, holder: "b", ttl: .milliseconds(500), logger: CollectorHarness.logger)
        _ = await a.renew()
        let term = try XCTUnwrap(a.term)
        let write = Task {
            try await first.fenced("a slow leader-only write", lease: "collector", holder: "a", term: term) { connection in
                _ = try await connection.query("SELECT pg_sleep(1.2)", logger: CollectorHarness.logger).collect()
                _ = try await connection.query("INSERT INTO events (source, name, time, received_at) VALUES ('collector', 'slow', 0, 0)",
                                               logger: CollectorHarness.logger)
                return ContinuousClock.now
            }
        }
        try await Task.sleep(for: .milliseconds(700))
        XCTAssertFalse(a.isLeader, "the lease ran out during the write")
        let bLeads = await b.renew()
        let takenAt = ContinuousClock.now
        let committedAt = try await write.value
        XCTAssertTrue(bLeads)
        XCTAssertLessThanOrEqual(committedAt, takenAt, "the takeover waited for the old leader's write")
        let slow = try await second.events(EventFilter(name: "slow", range: .all))
        XCTAssertEqual(slow.count, 1, "the write begun under a valid lease is kept")
    }

    /// A leader that loses its lease in the middle of a rollout step (the step waits on its first assignment, the
    /// lease runs out, another collector takes it) writes nothing more of that step: the rollout engine runs under
    /// `Leadership.leading`, whose fence every PostgreSQL write checks. The new leader's step writes the assignments.
    func testALeaderThatLosesItsLeaseMidRolloutStepCannotWriteTheStep() async throws {
        let first = try await open(), second = try await open()
        let start: Int64 = 1_800_000_000_000
        let clock = ManualWallClock(start)
        for (version, manifest) in [(RolloutFixtures.champion, "{}"), (RolloutFixtures.candidate, "{ }")] {
            _ = try await first.insert(NewModelVersion(record: version, manifestJSON: manifest))
        }
        _ = try await first.setAlias(model: "keyword-spotter", alias: "champion", release: 3, by: "test", at: start)
        _ = try await first.setBlessed(model: "keyword-spotter", release: 4, blessed: true, by: "gate", at: start)
        let champion = BundleReference(name: "keyword-spotter", version: "1.3.0", digest: RolloutFixtures.champion.digest, releaseCounter: 3)
        _ = try await first.ingest((0..<10).map { Messages.birth(device: "dev-\($0)", seq: 1, bundle: champion) }, receivedAt: start)
        let profiles = RolloutEngine.loadProfiles(Fixtures.root.appendingPathComponent("firmware-profiles").path, logger: CollectorHarness.logger)
        let stalling = StallingRolloutFleet(RolloutTestFleet(store: first, clock: clock))
        let engineA = RolloutEngine(store: first, actuator: stalling, settings: RolloutSettings(strategy: RolloutFixtures.strategy()),
                                    profiles: profiles, clock: clock, logger: CollectorHarness.logger)
        let created = try await engineA.create(RolloutRequest(model: "keyword-spotter", version: "4", target: RolloutTarget(profiles: ["rpi-4b-2gb"]),
                                                              strategy: nil, createdBy: "ops"))
        let a = LeaderLease(backend: first, holder: "a", ttl: .milliseconds(600), logger: CollectorHarness.logger)
        let b = LeaderLease(backend: second, holder: "b", ttl: .milliseconds(600), logger: CollectorHarness.logger)
        let aLeads = await a.renew()
        XCTAssertTrue(aLeads)
        let stepA = Task { await a.leading { await engineA.step() } }
        try await Self.waitUntil { stalling.stalled }
        try await Task.sleep(for: .milliseconds(800))
        let bLeads = await b.renew()
        XCTAssertTrue(bLeads, "the lease ran out while a's step waited; b takes it")
        stalling.release()
        let ranA = await stepA.value
        XCTAssertNotNil(ranA, "a began the step as the leader")
        XCTAssertTrue(stalling.inner.assigned.isEmpty, "a's late assignment was refused by the fence")
        var stored = try await second.rollout(id: created.id)
        XCTAssertEqual(stored?.assigned ?? [], [], "nothing of a's step after the lease moved is stored")
        for device in (0..<10).map({ "dev-\($0)" }) {
            let assignments = try await second.assignments(deviceID: device, digest: RolloutFixtures.candidate.digest, limit: 10)
            XCTAssertTrue(assignments.isEmpty, device)
        }

        let fleetB = RolloutTestFleet(store: second, clock: clock)
        let engineB = RolloutEngine(store: second, actuator: fleetB, settings: RolloutSettings(strategy: RolloutFixtures.strategy()),
                                    profiles: profiles, clock: clock, logger: CollectorHarness.logger)
        let ranB = await b.leading { await engineB.step() }
        XCTAssertNotNil(ranB)
        XCTAssertFalse(fleetB.assigned.isEmpty, "the new leader's step writes its assignments")
        stored = try await second.rollout(id: created.id)
        XCTAssertEqual(Set(stored?.assigned ?? []), Set(fleetB.assigned))
        let late = await a.leading { "a still acts" }
        XCTAssertNil(late, "the deposed leader runs no leader-only work")
    }

    // MARK: Broker failover

    /// The broker is killed (SIGKILL) and a new one — no sessions, no retained state — is started on the same address
    /// while devices publish: the collector reconnects and resubscribes by itself, redelivered and resent messages are
    /// stored once, and everything generated is acknowledged. On PostgreSQL, the clustered store.
    func testABrokerKilledAndReplacedOnTheSameAddressLosesAndDuplicatesNothing() async throws {
        let url = self.url
        let harness = try CollectorHarness { configuration in
            configuration.storage.engine = .postgres
            configuration.storage.url = url
        }
        try await harness.start()
        let simulator = try FleetSimulator(settings: SimulationSettings(port: harness.broker.port, devices: 3, prefix: "failover", reportsPerSecond: 30,
                                                                        resendAfter: .seconds(2)), logger: CollectorHarness.logger)
        let running = Task { await simulator.run() }
        try await Task.sleep(for: .seconds(2))
        harness.broker.kill()
        try await Task.sleep(for: .milliseconds(500))
        try harness.broker.start()
        try await Task.sleep(for: .seconds(2))
        simulator.stopGenerating()
        let acknowledged = await simulator.waitUntilAcknowledged(timeout: .seconds(90))
        XCTAssertTrue(acknowledged, "not every message was acknowledged after the failover: \(simulator.statistics)")
        running.cancel()
        await running.value
        for device in simulator.devices {
            let statistics = device.statistics
            let stored = try await harness.collector.store.telemetryCount(deviceID: device.id)
            let acked = try await harness.collector.store.acknowledged(deviceID: device.id, stream: device.stream)
            XCTAssertEqual(acked, statistics.generated, "acknowledged prefix of \(device.id)")
            XCTAssertEqual(UInt64(stored) + 1, statistics.generated, "\(device.id): telemetry rows + birth = generated (no loss, no duplicate)")
        }
        XCTAssertTrue(harness.collector.client.state.isConnected, "the collector reconnected to the new broker by itself")
        await harness.stop()
    }
}
