import Bundles
import FleetProtocol
import Foundation
import Logging
import Training

/// The collector's training data: CSV imports and labelled captures into the content-addressed store, immutable
/// snapshots selected by a filter, and their export (CSV or raw tensors) or conversion into a training `Dataset`.
///
/// Stateless apart from the store; safe from any task. Every snapshot records a `dataset.snapshot.created` event
/// whose details carry the snapshot id and its cause, the first link of the learning loop's event chain.
public struct DatasetService: Sendable {
    let store: any LearningStore & RegistryStore & FleetStore
    let clock: any WallClock
    let logger: Logger

    /// Fewer labelled samples than this make no useful snapshot (the trainer needs 10 rows).
    public static let minimumSnapshotSamples = 10
    /// The largest number of captures one snapshot reads.
    public static let maximumCaptures = 200_000

    public init(store: any LearningStore & RegistryStore & FleetStore, clock: any WallClock = SystemWallClock(), logger: Logger) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// Stores every row of a CSV (header, numeric features, label last) as a labelled float32 sample of `model`.
    ///
    /// Rows are checked before anything is stored (missing or non-numeric cells, NaN, ragged rows: the line and
    /// column are named), so a bad file stores nothing.
    public func importCSV(model: String, csv: String, source: String = "upload", by actor: String) async throws(CollectorError) -> ImportResult {
        let data: Dataset
        do { data = try Dataset(csv: csv, source: source) } catch {
            throw CollectorError(.invalidRequest, error.message)
        }
        guard data.rowCount > 0 else { throw CollectorError(.invalidRequest, "\(source) has a header but no data rows") }
        let now = clock.now()
        var samples: [DatasetSample] = []
        samples.reserveCapacity(data.rowCount)
        for row in 0..<data.rowCount {
            samples.append(DatasetSample(model: model, dtype: "float32", shape: [1, data.featureCount], columns: data.featureNames,
                                         bytes: DatasetSample.float32Bytes(data.row(row)), label: data.classNames[data.labels[row]],
                                         source: "import", capturedAt: now))
        }
        let added = try await store.putSamples(samples)
        try await store.record(CollectorEvent(name: "dataset.imported", model: model, details: [
            "rows": "\(samples.count)", "added": "\(added)", "source": source, "by": actor,
        ]), at: now)
        logger.info("imported training samples", metadata: ["model": "\(model)", "rows": "\(samples.count)", "added": "\(added)"])
        return ImportResult(rows: samples.count, added: added, duplicates: samples.count - added, hashes: samples.map(\.hash))
    }

    /// Selects the labelled samples `filter` names, freezes them with their labels and hash-derived splits, and
    /// stores the snapshot (an identical selection returns the snapshot already stored).
    ///
    /// Refused with a reason: no samples, fewer than ``minimumSnapshotSamples``, a single class, or samples of
    /// different layouts (element type, shape, number of columns).
    public func createSnapshot(_ filter: SnapshotFilter, by actor: String, cause: String? = nil) async throws(CollectorError) -> DatasetSnapshot {
        guard (0...90).contains(filter.validationPercent) else {
            throw CollectorError(.invalidRequest, "validationPercent must be within 0…90, not \(filter.validationPercent)")
        }
        var samples: [DatasetSample] = []
        if filter.includeImported && !filter.selectsDevices {
            samples += try await store.importedSamples(model: filter.model, from: filter.from, to: filter.to)
        }
        if filter.includeCaptured {
            samples += try await captures(filter)
        }
        // One entry per hash: the same input imported and captured counts once (the newest label wins).
        var byHash: [String: DatasetSample] = [:]
        for sample in samples { byHash[sample.hash] = sample }
        let unique = byHash.values.sorted { $0.hash < $1.hash }
        guard let first = unique.first else {
            throw CollectorError(.invalidRequest, "no labelled samples of \(filter.model) match the filter: import a CSV or wait for labels on the feedback topic")
        }
        // Captures carry no column names (`x0…`); imports do. Samples of one element type and shape are one layout,
        // named by the imports when there are any.
        if let other = unique.first(where: { $0.dtype != first.dtype || $0.shape != first.shape || $0.columns.count != first.columns.count }) {
            throw CollectorError(.invalidRequest,
                "samples of \(filter.model) have different layouts (\(first.dtype) \(first.shape) \(first.columns.count) columns vs \(other.dtype) \(other.shape) \(other.columns.count) columns): narrow the filter (from/to, includeImported/includeCaptured)")
        }
        guard unique.count >= Self.minimumSnapshotSamples else {
            throw CollectorError(.invalidRequest, "only \(unique.count) labelled samples of \(filter.model) match; a snapshot needs at least \(Self.minimumSnapshotSamples)")
        }
        let labels = Set(unique.compactMap(\.label))
        guard labels.count >= 2 else {
            throw CollectorError(.invalidRequest, "every matching sample of \(filter.model) has the label '\(labels.first ?? "")': a classifier needs at least two classes")
        }
        let members = unique.map { sample in
            SnapshotMember(sampleHash: sample.hash, label: sample.label ?? "",
                           split: SnapshotSplit.assign(hash: sample.hash, validationPercent: filter.validationPercent))
        }
        let now = clock.now()
        let columns = unique.first { $0.source == "import" }?.columns ?? first.columns
        let snapshot = DatasetSnapshot(model: filter.model, dtype: first.dtype, shape: first.shape, columns: columns,
                                       validationPercent: filter.validationPercent, members: members, createdAt: now, createdBy: actor,
                                       filter: filter, cause: cause)
        let stored = try await store.insert(snapshot)
        if stored.createdAt == now && stored.createdBy == actor {
            var details = ["snapshot": stored.id, "samples": "\(stored.members.count)", "train": "\(stored.count(.train))",
                           "validation": "\(stored.count(.validation))", "by": actor]
            if let cause { details["cause"] = cause }
            try await store.record(CollectorEvent(name: "dataset.snapshot.created", model: filter.model, details: details), at: now)
            logger.info("created a dataset snapshot", metadata: ["model": "\(filter.model)", "snapshot": "\(stored.id)",
                                                                 "samples": "\(stored.members.count)"])
        }
        return stored
    }

    /// Labelled captures the filter selects, decoded and stored by hash (linked to their capture rows).
    func captures(_ filter: SnapshotFilter) async throws(CollectorError) -> [DatasetSample] {
        let digests = try await store.versions(model: filter.model).map(\.digest)
        guard !digests.isEmpty else { return [] }
        var deviceIDs = filter.devices
        if filter.profile != nil || filter.tags != nil || filter.groups != nil {
            let cohort = try await store.devices(DeviceFilter()).filter { device in
                (filter.profile.map { device.profile == $0 } ?? true)
                    && (filter.tags.map { !Set($0).isDisjoint(with: device.tags) } ?? true)
                    && (filter.groups.map { !Set($0).isDisjoint(with: device.groups) } ?? true)
            }.map(\.id)
            deviceIDs = deviceIDs.map { Array(Set($0).intersection(cohort)).sorted() } ?? cohort
        }
        let rows = try await store.labelledCaptures(digests: digests, deviceIDs: deviceIDs, from: filter.from, to: filter.to,
                                                    limit: Self.maximumCaptures)
        var samples: [DatasetSample] = []
        var links: [(rowID: Int64, hash: String)] = []
        var undecodable = 0
        for row in rows {
            guard let sample = Self.decode(row, model: filter.model) else { undecodable += 1; continue }
            samples.append(sample)
            links.append((row.rowID, sample.hash))
        }
        if undecodable > 0 {
            logger.warning("captured samples could not be decoded and were left out", metadata: ["model": "\(filter.model)", "count": "\(undecodable)"])
        }
        _ = try await store.putSamples(samples)
        try await store.linkCaptures(links)
        return samples
    }

    /// The first input tensor of a stored capture, inflated; nil when the stored message is not a readable sample.
    static func decode(_ row: CapturedSampleRow, model: String) -> DatasetSample? {
        guard let envelope = try? FleetCodec.decode(SampleRecord.self, from: row.body), let tensor = envelope.body.inputs.first,
              tensor.length >= 0, tensor.length <= 64 << 20 else { return nil }
        let bytes: [UInt8]
        if tensor.compression == "zlib" {
            guard let inflated = try? Zlib.inflate(tensor.data.bytes, expectedLength: tensor.length) else { return nil }
            bytes = inflated
        } else if tensor.compression == "none" {
            bytes = tensor.data.bytes
        } else {
            return nil
        }
        let elementSize = tensor.dtype == "float32" ? 4 : 1
        let count = bytes.count / elementSize
        return DatasetSample(model: model, dtype: tensor.dtype, shape: tensor.shape, columns: (0..<count).map { "x\($0)" }, bytes: bytes,
                             label: "\(row.label)", source: "capture", deviceID: row.deviceID, capturedAt: row.time)
    }

    /// A snapshot by id, or `notFound`.
    public func snapshot(id: String) async throws(CollectorError) -> DatasetSnapshot {
        guard let snapshot = try await store.snapshot(id: id) else {
            throw CollectorError(.notFound, "no dataset snapshot \(id) (list them with GET /api/v1/models/{name}/snapshots or edgectl dataset list)")
        }
        return snapshot
    }

    /// The members of `split` (all when nil) with their samples, in the snapshot's (hash) order.
    public func rows(of snapshot: DatasetSnapshot, split: SnapshotSplit?) async throws(CollectorError) -> [(member: SnapshotMember, sample: DatasetSample)] {
        let members = snapshot.members.filter { split == nil || $0.split == split }
        let samples = try await store.samples(hashes: members.map(\.sampleHash))
        let byHash = Dictionary(samples.map { ($0.hash, $0) }, uniquingKeysWith: { first, _ in first })
        return try members.map { member throws(CollectorError) in
            guard let sample = byHash[member.sampleHash] else {
                throw CollectorError(.storage, "snapshot \(snapshot.id) references sample \(member.sampleHash), which the store no longer holds")
            }
            return (member, sample)
        }
    }

    /// The split as a training `Dataset`, with the snapshot's full class list (so every split indexes classes alike).
    public func dataset(_ snapshot: DatasetSnapshot, split: SnapshotSplit?) async throws(CollectorError) -> Dataset {
        let rows = try await rows(of: snapshot, split: split)
        let classes = snapshot.classNames
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        var features: [Float] = []
        features.reserveCapacity(rows.count * snapshot.columns.count)
        for row in rows { features += row.sample.values }
        return Dataset(featureNames: snapshot.columns, labelName: "label", features: features, labels: rows.map { index[$0.member.label] ?? 0 },
                       classNames: classes, source: "snapshot \(snapshot.id.prefix(12))\(split.map { " (\($0.rawValue))" } ?? "")")
    }

    /// CSV: a header (the columns, then `label`), one row per member in hash order, float values printed exactly
    /// (shortest round-trip form), so `edgectl train` on the export reads the same numbers the collector trains on.
    public func exportCSV(_ snapshot: DatasetSnapshot, split: SnapshotSplit?) async throws(CollectorError) -> String {
        let rows = try await rows(of: snapshot, split: split)
        var text = (snapshot.columns + ["label"]).joined(separator: ",") + "\n"
        for row in rows {
            text += row.sample.values.map { "\($0)" }.joined(separator: ",")
            text += ",\(Self.csvCell(row.member.label))\n"
        }
        return text
    }

    static func csvCell(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "") + "\"" : text
    }

    /// Raw tensors: one JSON header line (`edgefleet.tensors.v1`: dtype, shape, count, labels, hashes, splits), a
    /// newline, then every sample's tensor bytes back to back in the same order.
    public func exportTensors(_ snapshot: DatasetSnapshot, split: SnapshotSplit?) async throws(CollectorError) -> [UInt8] {
        let rows = try await rows(of: snapshot, split: split)
        let header = TensorExportHeader(snapshot: snapshot.id, dtype: snapshot.dtype, shape: snapshot.shape, columns: snapshot.columns,
                                        count: rows.count, bytesPerSample: rows.first?.sample.bytes.count ?? 0,
                                        labels: rows.map(\.member.label), hashes: rows.map(\.member.sampleHash),
                                        splits: rows.map(\.member.split.rawValue))
        var bytes: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            bytes = [UInt8](try encoder.encode(header))
        } catch {
            throw CollectorError(.storage, "encoding the tensor export header failed: \(error)")
        }
        bytes.append(0x0A)
        for row in rows { bytes += row.sample.bytes }
        return bytes
    }
}
