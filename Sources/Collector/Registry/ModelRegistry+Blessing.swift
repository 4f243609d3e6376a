extension ModelRegistry {
    /// The version, if the gate blessed it; otherwise `conflict` (HTTP 409) with the gate's reasons.
    ///
    /// The one check every way of putting a version on devices calls (assignments now, the rollout engine later).
    public func requireBlessed(model: String, release: UInt64) async throws(CollectorError) -> ModelVersionRecord {
        guard let version = try await store.version(model: model, release: release) else {
            throw CollectorError(.notFound, "\(model) has no version with release counter \(release)")
        }
        if version.blessed { return version }
        let latest = try await store.evaluations(model: model, release: release).first
        let why: String
        if let latest {
            why = "the gate refused it (evaluation \(latest.id) on snapshot \(latest.snapshotID.prefix(12))): "
                + (latest.reasons.isEmpty ? "no reason recorded" : latest.reasons.joined(separator: "; "))
        } else {
            why = "the gate has not evaluated it: POST /api/v1/models/\(model)/versions/\(release)/evaluation with a snapshot"
        }
        throw CollectorError(.conflict, "\(model) release \(release) is not blessed, so it cannot be rolled out; \(why)")
    }
}
