import FleetProtocol

/// How a batch's telemetry folds into rollup buckets, as a plain value a store persists.
///
/// Reports are added up per device, bundle and minute first (one dictionary update per message), then each
/// minute is merged into the bucket of every resolution, per device and per model version. A store reads the
/// stored bucket, merges the folded one and writes it back; merging is associative, so batches, replicas and
/// restarts give the same totals as one pass over all reports.
public struct RollupFolding: Sendable {
    public init() {}

    public struct MinuteKey: Hashable, Sendable {
        public var device: String
        public var bundle: BundleReference?
        public var minute: Int64
    }

    public struct DeviceKey: Hashable, Sendable {
        public var device: String
        public var resolution: RollupResolution
        public var bucket: Int64
    }

    public struct ModelKey: Hashable, Sendable {
        public var model: String
        public var digest: String
        public var resolution: RollupResolution
        public var bucket: Int64
    }

    public private(set) var minutes: [MinuteKey: RollupAccumulator] = [:]

    /// Adds one report of `device` whose interval ended at `at` (ms).
    public mutating func add(_ report: TelemetryReport, device: String, at: Int64) {
        minutes[MinuteKey(device: device, bundle: report.bundle, minute: RollupResolution.minute.bucket(containing: at)),
                default: RollupAccumulator()].add(report)
    }

    /// The batch's buckets of every resolution, per device and per model version.
    public func folded() -> (devices: [DeviceKey: RollupAccumulator], models: [ModelKey: RollupAccumulator]) {
        var devices: [DeviceKey: RollupAccumulator] = [:]
        var models: [ModelKey: RollupAccumulator] = [:]
        for (key, accumulator) in minutes {
            for resolution in RollupResolution.allCases {
                let bucket = resolution.bucket(containing: key.minute)
                devices[DeviceKey(device: key.device, resolution: resolution, bucket: bucket), default: RollupAccumulator()].merge(accumulator)
                if let bundle = key.bundle {
                    models[ModelKey(model: bundle.name, digest: bundle.digest, resolution: resolution, bucket: bucket),
                           default: RollupAccumulator()].merge(accumulator)
                }
            }
        }
        return (devices, models)
    }
}
