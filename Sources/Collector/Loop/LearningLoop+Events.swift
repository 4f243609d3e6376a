extension LearningLoop {
    /// The names of the events the loop records, in the order a cycle records them.
    public static let eventNames = ["loop.capture.requested", "loop.labels.collected", "loop.snapshot.taken", "loop.training.queued",
                                    "loop.candidate.blessed", "loop.rollout.started", "loop.cycle.finished"]

    /// The loop's events of `model`, newest first: one query per name, so the thousands of rollout and device events of
    /// a big fleet never crowd them out of a page.
    public static func events(of model: String, in store: any FleetStore, limit: Int = 200) async throws(CollectorError) -> [EventRecord] {
        var events: [EventRecord] = []
        for name in eventNames {
            events += try await store.events(EventFilter(model: model, name: name, limit: limit))
        }
        return Array(events.sorted { $0.id > $1.id }.prefix(limit))
    }
}
