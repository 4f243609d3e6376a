import Foundation
import Hummingbird

extension DashboardRoutes {
    /// `/rollouts/{id}`: the rollout page.
    func rollout(_ id: String) async throws -> Response {
        guard let rollout = try await store.rollout(id: id) else { throw CollectorError(.notFound, "no rollout '\(id)'") }
        return page("rollout", Self.rolloutPage(rollout, now: clock.now()))
    }

    static func rolloutPage(_ rollout: RolloutRecord, now: Int64) -> RolloutPage {
        func figure(_ value: Double?) -> String { value.map { DisplayFormat.decimal($0, digits: 3) } ?? "—" }
        let judgements = rollout.decisions.filter { $0.gates != nil }.map { decision in
            RolloutPage.Judgement(wave: decision.wave.map { $0 == 0 ? "canary" : "wave \($0)" } ?? "—", time: DisplayFormat.timestamp(decision.at),
                                  verdict: decision.kind, gates: (decision.gates ?? []).map {
                                      RolloutPage.Gate(gate: $0.gate, verdict: $0.verdict.rawValue, wave: figure($0.wave), control: figure($0.control),
                                                       threshold: figure($0.threshold), reason: $0.reason)
                                  })
        }
        let decisions = rollout.decisions.map {
            RolloutPage.Decision(time: DisplayFormat.timestamp($0.at), kind: $0.kind, wave: $0.wave.map { $0 == 0 ? "canary" : "wave \($0)" } ?? "",
                                 reason: $0.reason, by: $0.by ?? "engine")
        }
        let waves = rollout.plan.waves.enumerated().map { index, devices in
            RolloutPage.Wave(name: index == 0 ? "canary" : "wave \(index)", devices: devices.count,
                             started: index < rollout.waveStartedAt.count ? DisplayFormat.timestamp(rollout.waveStartedAt[index]) : "not started")
        }
        let reasons = Dictionary(grouping: rollout.ineligible, by: \.reason).sorted { $0.value.count > $1.value.count }
            .prefix(5).map { "\($0.value.count) × \($0.key)" }.joined(separator: "; ")
        let tracking = rollout.installs ?? RolloutInstallTracking()
        let timeouts = (tracking.timedOut.map { RolloutPage.DeviceReason(device: $0.key, kind: "install", reason: $0.value) }
            + tracking.rollbackTimedOut.map { RolloutPage.DeviceReason(device: $0.key, kind: "rollback", reason: $0.value) })
            .sorted { ($0.kind, $0.device) < ($1.kind, $1.device) }
        let joined = rollout.joined ?? []
        let joinedDevices = joined.isEmpty ? nil : joined.prefix(RolloutPage.listedDevices).joined(separator: ", ")
            + (joined.count > RolloutPage.listedDevices ? " and \(joined.count - RolloutPage.listedDevices) more" : "")
        return RolloutPage(title: "Rollout \(rollout.id)", rendered: DisplayFormat.timestamp(now), id: rollout.id, model: rollout.model,
                           release: rollout.release, version: rollout.version, championRelease: rollout.championRelease.map { "\($0)" } ?? "none",
                           status: rollout.status.rawValue, bad: rollout.status == .rollingBack || rollout.status == .rolledBack,
                           createdBy: rollout.createdBy, eligible: rollout.devices.count, control: rollout.plan.control.count,
                           exposed: rollout.assigned.count, returned: rollout.returned.count, pendingRollback: rollout.rollbackPending.count,
                           ineligible: rollout.ineligible.count, ineligibleReasons: reasons.isEmpty ? nil : reasons,
                           installsFinished: tracking.finished.count, installsOutstanding: rollout.installsOutstanding.count,
                           installsRetried: tracking.attempts.values.filter { $0 > 1 }.count,
                           timeouts: Array(timeouts.prefix(RolloutPage.listedDevices)), hasTimeouts: !timeouts.isEmpty,
                           timeoutsCount: timeouts.count,
                           timeoutsNotListed: timeouts.count > RolloutPage.listedDevices ? timeouts.count - RolloutPage.listedDevices : nil,
                           joined: joined.count, joinedDevices: joinedDevices,
                           timeline: SVGChart.rolloutTimeline(rollout, now: now), waves: waves, judgements: judgements, decisions: decisions)
    }
}
