import Collector
import FleetProtocol
import Foundation
import Logging
import TestSupport
import XCTest

/// The SQLite store on real files: the store contract, and what is particular to SQLite (size cap, file locks).
final class SQLiteStoreTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = try Fixtures.temporaryDirectory("collector-store")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func open(_ options: SQLiteOptions = SQLiteOptions()) throws -> SQLiteStore {
        try SQLiteStore(path: directory.appendingPathComponent("collector.sqlite").path, options: options, logger: CollectorHarness.logger)
    }

    let now = Int64(Date().timeIntervalSince1970 * 1000)

    var contract: StoreContract {
        StoreContract(open: { [unowned self] in try self.open() })
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
    func testLearningLoopsAndLabelCounts() async throws { try await contract.learningLoopsAndLabelCounts() }
    func testAForgedFarAheadMessageIsQuarantinedAndRealMessagesAreStillStored() async throws {
        try await contract.aForgedFarAheadMessageIsQuarantinedAndRealMessagesAreStillStored()
    }
    func testAHeadAboveTheSequenceNumberIsQuarantined() async throws { try await contract.aHeadAboveTheSequenceNumberIsQuarantined() }
    func testALateCopyBelowTheHeadIsStoredOnce() async throws { try await contract.aLateCopyBelowTheHeadIsStoredOnce() }
    func testACorroboratedJumpIsAccepted() async throws { try await contract.aCorroboratedJumpIsAccepted() }
    func testDriftReportsAndTheirWindows() async throws { try await contract.driftReportsAndTheirWindows() }
    func testRolloutsClaimTheirDevicesOnce() async throws { try await contract.rolloutsClaimTheirDevicesOnce() }
    func testRolloutReportsAndTheVersionLedger() async throws { try await contract.rolloutReportsAndTheVersionLedger() }
    func testSamplesAreStoredOnceByContentAndSnapshotsAreImmutable() async throws { try await contract.samplesAreStoredOnceByContentAndSnapshotsAreImmutable() }
    func testRetentionKeepsEverySampleASnapshotReferences() async throws { try await contract.retentionKeepsEverySampleASnapshotReferences() }
    func testLabelledCapturesJoinTheirNewestLabel() async throws { try await contract.labelledCapturesJoinTheirNewestLabel() }
    func testTrainingJobsMoveByCompareAndSet() async throws { try await contract.trainingJobsMoveByCompareAndSet() }

    // MARK: SQLite only

    func testSizeCapFailsAsFullAndRecoversWithoutLosingData() async throws {
        let store = try open()
        _ = try await store.ingest((1...50).map { Messages.telemetry(device: "d", seq: $0) }, receivedAt: now)
        let size = try await store.databaseBytes()
        try await store.setMaximumDatabaseBytes(size)
        do {
            _ = try await store.ingest((51...2000).map { Messages.telemetry(device: "d", seq: $0) }, receivedAt: now)
            XCTFail("writing past the cap succeeded")
        } catch {
            XCTAssertEqual(error.code, .storageFull, error.message)
        }
        let kept = try await store.telemetryCount(deviceID: "d")
        XCTAssertEqual(kept, 50, "the failed batch was rolled back as a whole")
        try await store.setMaximumDatabaseBytes(nil)
        let outcome = try await store.ingest((51...2000).map { Messages.telemetry(device: "d", seq: $0) }, receivedAt: now)
        XCTAssertEqual(outcome.acknowledgements.first?.seq, 2000)
        let count = try await store.telemetryCount(deviceID: "d")
        XCTAssertEqual(count, 2000)
    }


    func testALockHeldByAnotherProcessIsBusyUntilReleased() async throws {
        let store = try open(SQLiteOptions(busyTimeoutSeconds: 0.2))
        _ = try await store.ingest([Messages.telemetry(device: "d", seq: 1)], receivedAt: now)
        let locker = try SQLiteLocker(path: store.path)
        defer { locker.release() }
        do {
            _ = try await store.ingest([Messages.telemetry(device: "d", seq: 2)], receivedAt: now)
            XCTFail("wrote while another process held the write lock")
        } catch {
            XCTAssertEqual(error.code, .storageBusy, error.message)
        }
        locker.release()
        let outcome = try await store.ingest([Messages.telemetry(device: "d", seq: 2)], receivedAt: now)
        XCTAssertEqual(outcome.acknowledgements.first?.seq, 2)
    }
}
