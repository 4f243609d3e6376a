import CollectorAPI

extension CollectorAPIHandler {
    func listModels(_ input: Operations.ListModels.Input) async throws -> Operations.ListModels.Output {
        .ok(.init(body: .json(.init(models: try APIBridge.convert(try await store.models())))))
    }

    func getModel(_ input: Operations.GetModel.Input) async throws -> Operations.GetModel.Output {
        let name = input.path.name
        try APIValidation.modelName(name)
        let model = try await self.model(name)
        let versions = try await store.versions(model: name)
        let deployment = try await store.deployment(model: name)
        return .ok(.init(body: .json(.init(model: try APIBridge.convert(model), versions: try APIBridge.convert(versions),
                                           deployment: .init(additionalProperties: deployment)))))
    }

    func listModelVersions(_ input: Operations.ListModelVersions.Input) async throws -> Operations.ListModelVersions.Output {
        try APIValidation.modelName(input.path.name)
        return .ok(.init(body: .json(.init(versions: try APIBridge.convert(try await store.versions(model: input.path.name))))))
    }

    func getModelVersion(_ input: Operations.GetModelVersion.Input) async throws -> Operations.GetModelVersion.Output {
        try APIValidation.modelName(input.path.name)
        let version = try await registry.resolve(model: input.path.name, reference: input.path.release)
        return .ok(.init(body: .json(try APIBridge.convert(version))))
    }

    func setVersionTags(_ input: Operations.SetVersionTags.Input) async throws -> Operations.SetVersionTags.Output {
        try APIValidation.modelName(input.path.name)
        let release = try APIValidation.release(input.path.release)
        guard case .json(let update) = input.body else { throw CollectorError(.invalidRequest, "the body must be JSON") }
        try APIValidation.labels(update.tags)
        let version = try await registry.setTags(model: input.path.name, release: release, tags: update.tags)
        return .ok(.init(body: .json(try APIBridge.convert(version))))
    }

    func listModelAliases(_ input: Operations.ListModelAliases.Input) async throws -> Operations.ListModelAliases.Output {
        try APIValidation.modelName(input.path.name)
        let model = try await self.model(input.path.name)
        return .ok(.init(body: .json(.init(aliases: .init(additionalProperties: model.aliases.mapValues { Int($0) })))))
    }

    func setModelAlias(_ input: Operations.SetModelAlias.Input) async throws -> Operations.SetModelAlias.Output {
        try APIValidation.modelName(input.path.name)
        try APIValidation.alias(input.path.alias)
        guard case .json(let update) = input.body else { throw CollectorError(.invalidRequest, "the body must be JSON") }
        let release = try APIValidation.release(update.release)
        let version = try await registry.setAlias(model: input.path.name, alias: input.path.alias, release: release, by: try APIIdentity.name())
        return .ok(.init(body: .json(try APIBridge.convert(version))))
    }

    func deleteModelAlias(_ input: Operations.DeleteModelAlias.Input) async throws -> Operations.DeleteModelAlias.Output {
        try APIValidation.modelName(input.path.name)
        try APIValidation.alias(input.path.alias)
        try await registry.removeAlias(model: input.path.name, alias: input.path.alias, by: try APIIdentity.name())
        return .noContent(.init())
    }

    func listModelRollups(_ input: Operations.ListModelRollups.Input) async throws -> Operations.ListModelRollups.Output {
        try APIValidation.modelName(input.path.name)
        return .ok(try await rollups(.model(input.path.name, digest: input.query.digest), resolution: input.query.resolution,
                                     from: input.query.from, to: input.query.to))
    }

    func model(_ name: String) async throws -> ModelRecord {
        guard let model = try await store.models().first(where: { $0.name == name }) else {
            throw CollectorError(.notFound, "no model '\(name)' is registered")
        }
        return model
    }
}
