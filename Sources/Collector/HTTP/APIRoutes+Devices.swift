import Hummingbird

extension APIRoutes {
    func registerDevices(on api: RouterGroup<CollectorRequestContext>) {
        api.get("devices") { request, context in
            _ = try context.require(.read)
            let filter = DeviceFilter(tag: request.query("tag"), group: request.query("group"), online: try request.query("online", as: Bool.self),
                                      model: request.query("model"), limit: try request.limit(default: 100_000, maximum: 100_000),
                                      offset: Int(try request.query("offset", as: Int64.self) ?? 0))
            return JSONResponse.make(bytes: DeviceRecord.listJSON(try await self.store.devices(filter)))
        }
        api.get("devices/:id") { _, context in
            _ = try context.require(.read)
            let id = try context.parameters.require("id")
            guard let device = try await self.store.device(id) else { throw CollectorError(.notFound, "no device '\(id)'") }
            return try JSONResponse.make(DeviceDetail(device: device,
                                                      assignments: try await self.store.assignments(deviceID: id, digest: nil, limit: 20),
                                                      downloads: try await self.store.downloads(deviceID: id, digest: nil)))
        }
        api.patch("devices/:id") { request, context in
            _ = try context.require(.admin)
            let id = try context.parameters.require("id")
            let update = try await JSONResponse.decode(LabelsUpdate.self, from: request)
            return try JSONResponse.make(try await self.store.updateLabels(deviceID: id, tags: update.tags, groups: update.groups))
        }
        api.get("devices/:id/telemetry") { request, context in
            _ = try context.require(.read)
            let id = try context.parameters.require("id")
            let records = try await self.store.telemetry(deviceID: id, range: try request.timeRange(defaultSpan: 3_600_000),
                                                         limit: try request.limit(default: 1000, maximum: 100_000))
            return try JSONResponse.make(["telemetry": records])
        }
        api.get("devices/:id/rollups") { request, context in
            _ = try context.require(.read)
            let id = try context.parameters.require("id")
            let resolution = try Self.resolution(request)
            let rollups = try await self.store.rollups(.device(id), resolution: resolution,
                                                       range: try request.timeRange(defaultSpan: resolution == .minute ? 3_600_000 : 86_400_000))
            return try JSONResponse.make(["rollups": rollups])
        }
        api.get("devices/:id/assignments") { request, context in
            _ = try context.require(.read)
            let id = try context.parameters.require("id")
            return try JSONResponse.make(["assignments": try await self.store.assignments(deviceID: id, digest: nil,
                                                                                           limit: try request.limit(default: 100, maximum: 10_000))])
        }
        api.post("devices/:id/assignments") { request, context in
            let token = try context.require(.admin)
            let id = try context.parameters.require("id")
            let body = try await JSONResponse.decode(AssignmentRequest.self, from: request)
            let version = try await self.registry.resolve(model: body.model, reference: body.version)
            let (record, delivered) = try await self.distribution.assign(
                version, to: id, createdBy: token.name, shadowSeconds: body.shadowSeconds, minimumAgreement: body.minimumAgreement,
                probationSeconds: body.probationSeconds)
            return try JSONResponse.make(AssignmentCreated(assignment: record, delivered: delivered), status: .created)
        }
        api.get("devices/:id/downloads") { _, context in
            _ = try context.require(.read)
            let id = try context.parameters.require("id")
            return try JSONResponse.make(["downloads": try await self.store.downloads(deviceID: id, digest: nil)])
        }
    }

    static func resolution(_ request: Request) throws(CollectorError) -> RollupResolution {
        guard let text = request.query("resolution") else { return .minute }
        guard let resolution = RollupResolution(rawValue: text) else {
            throw CollectorError(.invalidRequest, "resolution must be minute or hour, got '\(text)'")
        }
        return resolution
    }
}
