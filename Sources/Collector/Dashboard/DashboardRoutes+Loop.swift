import Hummingbird

extension DashboardRoutes {
    /// The learning-loop page: the loop's state, each cycle's chain (from the `loop.*` events, which carry the ids
    /// of the steps before them) and the accuracy the fleet's labels measured per version and profile.
    func loop(_ name: String) async throws -> Response {
        let versions = try await store.versions(model: name)
        guard !versions.isEmpty else { throw CollectorError(.notFound, "no model '\(name)' is registered") }
        let now = clock.now()
        let state = try await store.learningLoop(model: name) ?? LearningLoop(model: name)
        let events = try await LearningLoop.events(of: name, in: store, limit: 1000)
        var byCycle: [Int: [EventRecord]] = [:]
        for event in events {
            guard let cycle = event.details["cycle"].flatMap(Int.init) else { continue }
            byCycle[cycle, default: []].append(event)
        }
        let cycles = byCycle.keys.sorted(by: >).prefix(20).map { number in
            Self.loopCycle(number, events: byCycle[number]!.sorted { $0.id < $1.id }, model: name, current: number == state.cycle ? state : nil)
        }
        let accuracy = try await store.labelAccuracy(model: name, since: 0).map { row in
            LoopPage.Accuracy(version: "\(row.version) (#\(row.release))", profile: row.profile.isEmpty ? "—" : row.profile, labelled: row.labelled,
                              accuracy: row.accuracy.map { DisplayFormat.decimal($0, digits: 3) } ?? "—")
        }
        return page("loop", LoopPage(
            title: "Learning loop of \(name)", rendered: DisplayFormat.timestamp(now), model: name, phase: state.phase.rawValue,
            mode: state.mode ?? "not watched", cycle: state.cycle, since: state.phaseSince > 0 ? DisplayFormat.ago(state.phaseSince, now: now) : "—",
            devices: state.phase == .capturing ? state.devices.count : 0, labelled: state.phase == .capturing ? "\(state.labelled)" : "",
            cycles: Array(cycles), accuracy: accuracy))
    }

    /// One cycle: its steps in order with links, and the chain diagram (done, current, failed or pending per step).
    static func loopCycle(_ number: Int, events: [EventRecord], model: String, current: LearningLoop?) -> LoopPage.Cycle {
        let finished = events.last { $0.name == "loop.cycle.finished" }
        let outcome = finished?.details["outcome"] ?? current.map { "in progress: \($0.phase.rawValue)" } ?? "in progress"
        let failed = outcome.hasPrefix("failed") || outcome.contains("refused") || outcome.contains("aborted")
        let names = Set(events.map(\.name))
        let latest = events.last?.details ?? [:]
        let steps = events.map { event -> LoopPage.Step in
            var link: String?
            switch event.name {
            case "loop.capture.requested": link = "/models/\(model)/drift"
            case "loop.candidate.blessed", "loop.cycle.finished": link = latest["release"].map { _ in "/models/\(model)" }
            case "loop.rollout.started": link = event.details["rollout"].map { "/rollouts/\($0)" }
            default: break
            }
            let details = event.details.filter { $0.key != "cycle" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return LoopPage.Step(time: DisplayFormat.timestamp(event.time), name: String(event.name.dropFirst("loop.".count)), details: details, link: link)
        }
        // The chain: which steps happened, which is under way, where it stopped.
        let order: [(String, String, String?)] = [
            ("Drift", "loop.capture.requested", latest["trigger"]), ("Capture", "loop.capture.requested", latest["cohorts"]),
            ("Labels", "loop.labels.collected", latest["labelled"]), ("Snapshot", "loop.snapshot.taken", latest["snapshot"].map { String($0.prefix(12)) }),
            ("Training", "loop.training.queued", latest["job"]), ("Gate", "loop.candidate.blessed", latest["release"].map { "release \($0)" }),
            ("Rollout", "loop.rollout.started", latest["rollout"]),
        ]
        var chain: [SVGChart.ChainStep] = []
        var stopped = false
        for (title, event, detail) in order {
            if names.contains(event) {
                chain.append(.init(title: title, detail: detail ?? "", state: .done))
            } else if stopped {
                chain.append(.init(title: title, detail: "", state: .pending))
            } else {
                stopped = true
                chain.append(.init(title: title, detail: failed ? "stopped" : "", state: finished == nil ? .current : (failed ? .failed : .skipped)))
            }
        }
        if finished != nil, !failed, let last = chain.lastIndex(where: { $0.state == .done }), last < chain.count - 1 {
            // Finished without a rollout (the policy waits for an operator): the rest is not failed, just not part of it.
            for index in (last + 1)..<chain.count { chain[index].state = .skipped }
        }
        return LoopPage.Cycle(number: number, trigger: latest["trigger"] ?? "—", outcome: outcome, failed: failed,
                              chain: SVGChart.chain(chain, title: "Cycle \(number) of \(model)'s learning loop"), steps: steps)
    }
}
