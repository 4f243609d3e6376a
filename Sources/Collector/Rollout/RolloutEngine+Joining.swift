import Bundles

/// Devices that come online later get what their group should run.
///
/// A device that registers (first stored message) after a running or paused rollout was created and matches its
/// target joins it: eligible ones are planned into the control (keeping its share) or a wave not yet started
/// (``RolloutStateMachine/join(_:now:)``), ineligible ones are listed with the reason. Every other new device of a
/// model (serving one of its versions, or with no bundle on a profile only that model's devices run) is assigned the
/// model's `champion` when the champion is blessed and fits the device's firmware profile; otherwise it is left as
/// it is, with a `champion.skipped` event giving the reason. Control devices and devices of a wave not yet started
/// are new devices like the others here: they run the champion until their wave.
extension RolloutEngine {
    /// One admission pass over the devices first seen since the previous one (``RolloutAdmission``): an index range
    /// of the store, empty most of the time, never the whole fleet.
    func admitNewDevices() async throws(CollectorError) {
        let now = clock.now()
        let active = try await store.rollouts(activeOnly: true, limit: 100)
        let since = admission.since(engineStartedAt: startedAt, oldestActiveRollout: active.map(\.createdAt).min())
        let devices = try await store.devices(firstSeenAfter: since, limit: RolloutAdmission.devicesPerPass)
        var exposed = Set<String>()
        for stored in active.reversed() {
            let rollout = try await admit(devices, into: stored)
            // Devices of started waves get the rollout's version (or, rolling back, the champion) from the rollout.
            let started = rollout.status == .rollingBack ? rollout.plan.waves.count : rollout.wave + 1
            for wave in rollout.plan.waves.prefix(max(0, started)) { exposed.formUnion(wave) }
        }
        let fresh = devices.filter { admission.isNew($0, engineStartedAt: startedAt) && !exposed.contains($0.id) }
        if !fresh.isEmpty { try await assignChampions(fresh, now: now) }
        admission.scanned(now: now, read: devices, devices: fresh.map(\.id))
    }

    /// Plans devices that registered after `stored` was created and match its target into it; returns the rollout.
    private func admit(_ devices: [DeviceRecord], into stored: RolloutRecord) async throws(CollectorError) -> RolloutRecord {
        var rollout = stored
        guard rollout.status == .running || rollout.status == .paused else { return rollout }
        // A device listed as unknown when the rollout was created may register later: it is judged then.
        let known = Set(rollout.devices).union(rollout.ineligible.filter { $0.reason != "no such device" }.map(\.deviceID))
        let candidates = devices.filter { $0.firstSeenAt >= rollout.createdAt && !known.contains($0.id) && rollout.target.matches($0) }
        guard !candidates.isEmpty, let version = try await store.version(model: rollout.model, release: rollout.release) else { return rollout }
        let now = clock.now()
        let (eligible, ineligible) = RolloutEligibility.split(candidates, version: version, profiles: profiles)
        var joined: [(device: String, details: [String: String])] = []
        for entry in ineligible {
            rollout.joinIneligible(entry.deviceID, reason: entry.reason, now: now)
            joined.append((entry.deviceID, ["placement": "ineligible", "reason": entry.reason]))
        }
        if !eligible.isEmpty {
            let holders = try await store.claimRolloutDevices(rolloutID: rollout.id, deviceIDs: eligible.map(\.id))
            for device in eligible {
                guard holders[device.id] == rollout.id else {
                    let reason = "held by rollout \(holders[device.id] ?? "unknown")"
                    rollout.joinIneligible(device.id, reason: reason, now: now)
                    joined.append((device.id, ["placement": "ineligible", "reason": reason]))
                    continue
                }
                if let placement = rollout.join(device.id, now: now) { joined.append((device.id, ["placement": placement])) }
            }
        }
        guard rollout != stored else { return rollout }
        try await store.updateRollout(rollout)
        for entry in joined {
            try await deviceEvent("rollout.device.joined", rollout, device: entry.device, details: entry.details, at: now)
        }
        logger.info("devices joined a rollout", metadata: ["rollout": "\(rollout.id)", "devices": "\(joined.count)"])
        return rollout
    }

    /// Assigns each new device its model's champion, when blessed and fitting its profile.
    private func assignChampions(_ fresh: [DeviceRecord], now: Int64) async throws(CollectorError) {
        var champions: [String: ModelVersionRecord] = [:]
        for model in try await store.models() {
            if let release = model.aliases["champion"], let version = try await store.version(model: model.name, release: release) {
                champions[model.name] = version
            }
        }
        guard !champions.isEmpty else { return }
        // A model's profiles: those of the devices serving one of its versions (one aggregate over the profiles of new
        // devices without a bundle, not a read of the fleet).
        let unbundled = Set(fresh.filter { $0.currentBundle == nil }.compactMap(\.profile)).sorted()
        let modelsOfProfile = try await store.servedModels(profiles: unbundled)
        for device in fresh {
            let model = device.currentBundle?.name ?? device.profile.flatMap { modelsOfProfile[$0] }.flatMap { $0.count == 1 ? $0.first : nil }
            guard let model, let champion = champions[model], device.currentBundle?.digest != champion.digest else { continue }
            // Anything assigned to it already (by an operator, a rollout, an earlier pass) wins.
            guard try await store.assignments(deviceID: device.id, digest: nil, limit: 1).isEmpty else { continue }
            let reason: String
            if !champion.blessed {
                reason = "the champion, release \(champion.release) of \(model), is not blessed"
            } else if let problem = RolloutEligibility.split([device], version: champion, profiles: profiles).ineligible.first {
                reason = problem.reason
            } else {
                do {
                    try await actuator.assign(champion, to: device.id, createdBy: "champion:new-device", probationSeconds: nil)
                    logger.info("assigned a new device its model's champion", metadata: ["device": "\(device.id)", "model": "\(model)",
                                                                                         "release": "\(champion.release)"])
                } catch {
                    logger.warning("assigning a new device the champion failed", metadata: ["device": "\(device.id)", "error": "\(error.message)"])
                }
                continue
            }
            try await store.record(CollectorEvent(name: "champion.skipped", deviceID: device.id, model: model, details: [
                "release": "\(champion.release)", "reason": reason,
            ]), at: now)
        }
    }
}
