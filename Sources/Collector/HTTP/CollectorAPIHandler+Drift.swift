import CollectorAPI

extension CollectorAPIHandler {
    func listDriftReports(_ input: Operations.ListDriftReports.Input) async throws -> Operations.ListDriftReports.Output {
        let name = input.path.name
        try APIValidation.modelName(name)
        if let digest = input.query.digest { try APIValidation.digest(digest) }
        let limit = try APIValidation.limit(input.query.limit, default: 20, maximum: 200)
        _ = try await model(name)
        let reports = try await store.driftReports(model: name, digest: input.query.digest, limit: limit)
        return .ok(.init(body: .json(.init(reports: try APIBridge.convert(reports)))))
    }

    func computeDrift(_ input: Operations.ComputeDrift.Input) async throws -> Operations.ComputeDrift.Output {
        let name = input.path.name
        try APIValidation.modelName(name)
        guard let drift else { throw CollectorError(.invalidConfiguration, "drift computation is not available in this collector") }
        let reports = try await drift.evaluate(model: name, trigger: "request")
        return .ok(.init(body: .json(.init(reports: try APIBridge.convert(reports)))))
    }
}
