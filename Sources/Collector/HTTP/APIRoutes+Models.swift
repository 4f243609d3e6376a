import Hummingbird

extension APIRoutes {
    func registerModels(on api: RouterGroup<CollectorRequestContext>) {
        api.get("models") { _, context in
            _ = try context.require(.read)
            return try JSONResponse.make(["models": try await self.store.models()])
        }
        api.get("models/:name") { _, context in
            _ = try context.require(.read)
            let name = try context.parameters.require("name")
            guard let model = try await self.store.models().first(where: { $0.name == name }) else {
                throw CollectorError(.notFound, "no model '\(name)' is registered")
            }
            return try JSONResponse.make(ModelDetail(model: model, versions: try await self.store.versions(model: name),
                                                     deployment: try await self.store.deployment(model: name)))
        }
        api.get("models/:name/versions") { _, context in
            _ = try context.require(.read)
            return try JSONResponse.make(["versions": try await self.store.versions(model: try context.parameters.require("name"))])
        }
        api.get("models/:name/versions/:ref") { _, context in
            _ = try context.require(.read)
            return try JSONResponse.make(try await self.registry.resolve(model: try context.parameters.require("name"),
                                                                          reference: try context.parameters.require("ref")))
        }
        api.put("models/:name/versions/:release/tags") { request, context in
            _ = try context.require(.admin)
            let update = try await JSONResponse.decode(TagsUpdate.self, from: request)
            return try JSONResponse.make(try await self.registry.setTags(model: try context.parameters.require("name"),
                                                                          release: try Self.release(context), tags: update.tags))
        }
        api.put("models/:name/versions/:release/blessing") { request, context in
            let gate = try context.require(.gate)
            let update = try await JSONResponse.decode(BlessingUpdate.self, from: request)
            return try JSONResponse.make(try await self.registry.setBlessed(model: try context.parameters.require("name"),
                                                                             release: try Self.release(context), blessed: update.blessed,
                                                                             by: gate.name, report: update.report))
        }
        api.get("models/:name/aliases") { _, context in
            _ = try context.require(.read)
            let name = try context.parameters.require("name")
            guard let model = try await self.store.models().first(where: { $0.name == name }) else {
                throw CollectorError(.notFound, "no model '\(name)' is registered")
            }
            return try JSONResponse.make(["aliases": model.aliases])
        }
        api.put("models/:name/aliases/:alias") { request, context in
            let token = try context.require(.admin)
            let update = try await JSONResponse.decode(AliasUpdate.self, from: request)
            return try JSONResponse.make(try await self.registry.setAlias(model: try context.parameters.require("name"),
                                                                           alias: try context.parameters.require("alias"),
                                                                           release: update.release, by: token.name))
        }
        api.delete("models/:name/aliases/:alias") { _, context in
            let token = try context.require(.admin)
            try await self.registry.removeAlias(model: try context.parameters.require("name"), alias: try context.parameters.require("alias"),
                                                by: token.name)
            return Response(status: .noContent)
        }
        api.get("models/:name/rollups") { request, context in
            _ = try context.require(.read)
            let resolution = try Self.resolution(request)
            let rollups = try await self.store.rollups(.model(try context.parameters.require("name"), digest: request.query("digest")),
                                                       resolution: resolution,
                                                       range: try request.timeRange(defaultSpan: resolution == .minute ? 3_600_000 : 86_400_000))
            return try JSONResponse.make(["rollups": rollups])
        }
    }

    static func release(_ context: CollectorRequestContext) throws -> UInt64 {
        let text = try context.parameters.require("release")
        guard let release = UInt64(text) else { throw CollectorError(.invalidRequest, "release must be a release counter, got '\(text)'") }
        return release
    }
}
