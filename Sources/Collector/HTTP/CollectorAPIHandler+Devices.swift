import CollectorAPI
import OpenAPIRuntime

extension CollectorAPIHandler {
    /// Devices a listing returns without `limit` (docs/openapi.yaml, `listDevices`).
    static let devicePageSize = 1000
    /// The most a listing returns: about 6.5 MB of JSON, tens of milliseconds to write.
    static let maximumDevicePageSize = 10_000

    func listDevices(_ input: Operations.ListDevices.Input) async throws -> Operations.ListDevices.Output {
        let query = input.query
        // A page, never the whole fleet: 100,000 devices were 64.6 MB and 1.5 s (docs/scale.md).
        let limit = try APIValidation.limit(query.limit, default: Self.devicePageSize, maximum: Self.maximumDevicePageSize)
        let offset = try APIValidation.nonNegative(query.offset, "offset") ?? 0
        if let after = query.after { try APIValidation.deviceID(after) }
        let filter = DeviceFilter(tag: query.tag, group: query.group, online: query.online, model: query.model, limit: limit + 1,
                                  offset: Int(offset), after: query.after)
        var devices = try await store.devices(filter)
        // One row more than the page tells whether another page follows without counting.
        let next = devices.count > limit ? devices[limit - 1].id : nil
        if devices.count > limit { devices.removeLast(devices.count - limit) }
        let totals = try await store.deviceTotals(filter, preceding: nil)
        // The hand-written listing is the JSON form already: served as it is where `APIPrebuiltBody` runs
        // (thousands of devices), else decoded into the typed output.
        let bytes = DeviceRecord.listJSON(devices, next: next, totals: totals)
        if let box = APIPrebuiltBody.box {
            box.bytes = bytes
            return .ok(.init(body: .json(.init(devices: [], next: nil, total: 0, online: 0))))
        }
        return .ok(.init(body: .json(try APIBridge.decode(bytes))))
    }

    func getDevice(_ input: Operations.GetDevice.Input) async throws -> Operations.GetDevice.Output {
        let id = input.path.id
        try APIValidation.deviceID(id)
        guard let device = try await store.device(id) else { throw CollectorError(.notFound, "no device '\(id)'") }
        let assignments = try await store.assignments(deviceID: id, digest: nil, limit: 20)
        let downloads = try await store.downloads(deviceID: id, digest: nil)
        return .ok(.init(body: .json(.init(device: try APIBridge.decode(Self.deviceJSON(device)), assignments: try APIBridge.convert(assignments),
                                           downloads: try APIBridge.convert(downloads)))))
    }

    func updateDeviceLabels(_ input: Operations.UpdateDeviceLabels.Input) async throws -> Operations.UpdateDeviceLabels.Output {
        let id = input.path.id
        try APIValidation.deviceID(id)
        guard case .json(let update) = input.body else { throw CollectorError(.invalidRequest, "the body must be JSON") }
        try APIValidation.labels(update.tags)
        try APIValidation.labels(update.groups)
        let device = try await store.updateLabels(deviceID: id, tags: update.tags, groups: update.groups)
        return .ok(.init(body: .json(try APIBridge.decode(Self.deviceJSON(device)))))
    }

    func listDeviceTelemetry(_ input: Operations.ListDeviceTelemetry.Input) async throws -> Operations.ListDeviceTelemetry.Output {
        let id = input.path.id
        try APIValidation.deviceID(id)
        let limit = try APIValidation.limit(input.query.limit, default: 1000, maximum: 100_000)
        guard let range = try APIValidation.timeRange(from: input.query.from, to: input.query.to, defaultSpan: 3_600_000, now: clock.now()) else {
            return .ok(.init(body: .json(.init(telemetry: []))))
        }
        let records = try await store.telemetry(deviceID: id, range: range, limit: limit)
        return .ok(.init(body: .json(.init(telemetry: try APIBridge.convert(records)))))
    }

    func listDeviceRollups(_ input: Operations.ListDeviceRollups.Input) async throws -> Operations.ListDeviceRollups.Output {
        let id = input.path.id
        try APIValidation.deviceID(id)
        return .ok(try await rollups(.device(id), resolution: input.query.resolution, from: input.query.from, to: input.query.to))
    }

    func listDeviceAssignments(_ input: Operations.ListDeviceAssignments.Input) async throws -> Operations.ListDeviceAssignments.Output {
        let id = input.path.id
        try APIValidation.deviceID(id)
        let limit = try APIValidation.limit(input.query.limit, default: 100, maximum: 10_000)
        let assignments = try await store.assignments(deviceID: id, digest: nil, limit: limit)
        return .ok(.init(body: .json(.init(assignments: try APIBridge.convert(assignments)))))
    }

    func createDeviceAssignment(_ input: Operations.CreateDeviceAssignment.Input) async throws -> Operations.CreateDeviceAssignment.Output {
        let id = input.path.id
        try APIValidation.deviceID(id)
        guard case .json(let body) = input.body else { throw CollectorError(.invalidRequest, "the body must be JSON") }
        try APIValidation.number(body.shadowSeconds, "shadowSeconds", within: 0...604_800)
        try APIValidation.number(body.probationSeconds, "probationSeconds", within: 0...604_800)
        try APIValidation.number(body.minimumAgreement, "minimumAgreement", within: 0...1)
        let version = try await registry.resolve(model: body.model, reference: body.version)
        if training.requireBlessedAssignments {
            _ = try await registry.requireBlessed(model: version.model, release: version.release)
        }
        let (record, delivered) = try await distribution.assign(version, to: id, createdBy: try APIIdentity.name(),
                                                                shadowSeconds: body.shadowSeconds, minimumAgreement: body.minimumAgreement,
                                                                probationSeconds: body.probationSeconds)
        return .created(.init(body: .json(.init(assignment: try APIBridge.convert(record), delivered: delivered))))
    }

    func listDeviceDownloads(_ input: Operations.ListDeviceDownloads.Input) async throws -> Operations.ListDeviceDownloads.Output {
        let id = input.path.id
        try APIValidation.deviceID(id)
        let downloads = try await store.downloads(deviceID: id, digest: nil)
        return .ok(.init(body: .json(.init(downloads: try APIBridge.convert(downloads)))))
    }

    /// Rollups of a device or a model; an empty range (`from` not before `to`) is an empty list.
    func rollups(_ subject: RollupSubject, resolution: Components.Parameters.Resolution?, from: Int?, to: Int?) async throws
        -> Components.Responses.Rollups {
        let resolution: RollupResolution = resolution == .hour ? .hour : .minute
        guard let range = try APIValidation.timeRange(from: from, to: to, defaultSpan: resolution == .minute ? 3_600_000 : 86_400_000, now: clock.now()) else {
            return .init(body: .json(.init(rollups: [])))
        }
        let rollups = try await store.rollups(subject, resolution: resolution, range: range)
        return .init(body: .json(.init(rollups: try APIBridge.convert(rollups))))
    }

    /// One device as the listing writes it (the records' own encoding is not the API's).
    static func deviceJSON(_ device: DeviceRecord) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        device.write(to: &writer)
        return writer.bytes
    }
}
