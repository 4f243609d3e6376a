import FleetProtocol
import PostgresNIO

/// A device's row as a batch found it (locked by the batch's `SELECT … FOR UPDATE`, or just inserted), and what the
/// batch's messages change in it, in message order: the same decisions the per-message `UPDATE`s of the SQLite store
/// make, taken in Swift so a batch writes all its devices with one statement (``PostgresIngestTransaction``).
///
/// Only the columns the decisions read are loaded (presence, the current bundle and its position in the stream, the
/// latest report's time); each group of columns a message may write carries a flag, and the batch's `UPDATE` keeps
/// the stored value of every column whose group no message touched.
struct PostgresDeviceRow {
    /// The columns ``init(row:)`` reads, in order, for the lock's `SELECT` and the insert's `RETURNING`.
    static let loadedColumns =
        "id, online, status_reason, status_at, cur_name, cur_version, cur_digest, cur_release, bundle_stream, bundle_seq, lt_at, last_seen"

    var online: Bool
    var statusReason: String?
    var statusAt: Int64?
    var current: (name: String?, version: String?, digest: String?, release: Int64?)
    var previous: (name: String?, version: String?, digest: String?, release: Int64?) = (nil, nil, nil, nil)
    var bundleStream: String?
    var bundleSeq: Int64?
    var latestAt: Int64?
    /// When a batch last saw the device: a batch received later writes it even if no message changes anything else.
    var lastSeen: Int64
    /// Not in the table yet: ``PostgresIngestTransaction/finish()`` inserts it once, with what the batch decided.
    var isNew = false

    /// The last birth of the batch, if any (profile, agent, hardware).
    var birth: Birth?
    var presenceChanged = false
    /// The bundle moved: current, previous and its stream position are written.
    var bundleMoved = false
    /// Only the release counter of the current bundle changed.
    var releaseRefreshed = false
    var latest: LatestTelemetry?

    var changed: Bool { birth != nil || presenceChanged || bundleMoved || releaseRefreshed || latest != nil }

    /// Whether the batch received at `receivedAt` must write the row: a message changed it or its `last_seen` moves on.
    /// A row the batch just inserted and nothing changed is not written again.
    func needsWrite(receivedAt: Int64) -> Bool { isNew || changed || lastSeen < receivedAt }

    /// A device the batch sees first, with the table's defaults (offline, nothing known), first and last seen at
    /// `receivedAt`; inserted by the batch's `finish()`.
    init(newAt receivedAt: Int64) {
        online = false
        current = (nil, nil, nil, nil)
        lastSeen = receivedAt
        isNew = true
    }

    /// A row of ``loadedColumns`` (the ID in column 0): a device in the table.
    init(row: PostgresRandomAccessRow) throws {
        online = try row[1].decode(Bool.self)
        statusReason = try row[2].decode(String?.self)
        statusAt = try row[3].decode(Int64?.self)
        current = (try row[4].decode(String?.self), try row[5].decode(String?.self), try row[6].decode(String?.self), try row[7].decode(Int64?.self))
        bundleStream = try row[8].decode(String?.self)
        bundleSeq = try row[9].decode(Int64?.self)
        latestAt = try row[10].decode(Int64?.self)
        lastSeen = try row[11].decode(Int64.self)
    }

    /// A status message: online or offline; changes the row (and is an event) only when it says something new.
    /// Returns whether it did.
    mutating func apply(_ status: DeviceStatus, at receivedAt: Int64) -> Bool {
        let isOnline = status.state == .online
        guard online != isOnline || statusAt == nil else { return false }
        online = isOnline
        statusReason = isOnline ? nil : status.reason
        statusAt = receivedAt
        presenceChanged = true
        return true
    }

    /// A birth: the device's description; it brings a device online unless a status message ever said otherwise.
    mutating func apply(_ birth: Birth) {
        self.birth = birth
        if statusAt == nil, !online {
            online = true
            presenceChanged = true
        }
    }

    /// The batch's newest report of what the device serves (``IngestTransaction/BundleCandidate``): a different bundle
    /// from a later message moves current to previous; the same bundle only refreshes a release counter learnt late.
    mutating func apply(_ bundle: BundleReference, stream: String, seq: Int64) {
        let release = Int64(storing: bundle.releaseCounter)
        if current.digest != bundle.digest, bundleStream == nil || bundleStream != stream || (bundleSeq.map { $0 < seq } ?? false) {
            previous = current
            current = (bundle.name, bundle.version, bundle.digest, release)
            bundleStream = stream
            bundleSeq = seq
            bundleMoved = true
        } else if current.digest == bundle.digest, let stored = current.release, stored < release {
            current.release = release
            releaseRefreshed = true
        }
    }

    /// The batch's newest report: kept unless the stored one is newer.
    mutating func apply(_ latest: LatestTelemetry) {
        guard latestAt.map({ $0 <= latest.at }) ?? true else { return }
        latestAt = latest.at
        self.latest = latest
    }
}
