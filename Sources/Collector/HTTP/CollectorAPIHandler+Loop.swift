import CollectorAPI

extension CollectorAPIHandler {
    func getLearningLoop(_ input: Operations.GetLearningLoop.Input) async throws -> Operations.GetLearningLoop.Output {
        let name = input.path.name
        try APIValidation.modelName(name)
        _ = try await model(name)
        return .ok(.init(body: .json(try await loopStatus(name))))
    }

    func startLearningLoop(_ input: Operations.StartLearningLoop.Input) async throws -> Operations.StartLearningLoop.Output {
        let name = input.path.name
        try APIValidation.modelName(name)
        _ = try await model(name)
        guard let loop else { throw CollectorError(.invalidConfiguration, "the learning loop is not available in this collector") }
        var devices: [String] = []
        if case .json(let body) = input.body { devices = body.devices ?? [] }
        for device in devices { try APIValidation.deviceID(device) }
        _ = try await loop.start(model: name, devices: devices)
        return .accepted(.init(body: .json(try await loopStatus(name))))
    }

    private func loopStatus(_ name: String) async throws -> Components.Responses.LearningLoopStatus.Body.JsonPayload {
        let state = try await store.learningLoop(model: name) ?? LearningLoop(model: name)
        let policy = loop?.settings.policy(for: name) ?? LearningLoopPolicy()
        let accuracy = try await store.labelAccuracy(model: name, since: 0)
        let events = try await LearningLoop.events(of: name, in: store, limit: 100)
        return .init(loop: try APIBridge.convert(state), policy: try APIBridge.convert(policy),
                     accuracy: try accuracy.map { row in
                         var converted: Components.Schemas.LabelAccuracy = try APIBridge.convert(row)
                         converted.accuracy = row.accuracy
                         return converted
                     },
                     events: try APIBridge.convert(Array(events)))
    }
}
