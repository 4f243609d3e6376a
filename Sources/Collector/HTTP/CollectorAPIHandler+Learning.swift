import CollectorAPI
import Foundation
import Gate
import OpenAPIRuntime

extension CollectorAPIHandler {
    func importSamples(_ input: Operations.ImportSamples.Input) async throws -> Operations.ImportSamples.Output {
        let name = input.path.name
        try APIValidation.modelName(name)
        guard case .csv(let body) = input.body else { throw CollectorError(.invalidRequest, "the body must be text/csv") }
        let bytes: [UInt8]
        do { bytes = try await [UInt8](collecting: body, upTo: maximumUploadBytes) } catch {
            throw CollectorError(.payloadTooLarge, "the CSV is larger than http.maximumUploadBytes (\(maximumUploadBytes) bytes)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw CollectorError(.invalidRequest, "the CSV is not UTF-8 text") }
        let result = try await datasets.importCSV(model: name, csv: text, source: input.query.source ?? "api-upload", by: try APIIdentity.name())
        return .created(.init(body: .json(try APIBridge.convert(result))))
    }

    func listSnapshots(_ input: Operations.ListSnapshots.Input) async throws -> Operations.ListSnapshots.Output {
        try APIValidation.modelName(input.path.name)
        let limit = try APIValidation.limit(input.query.limit, default: 100, maximum: 1000)
        let snapshots = try await store.snapshots(model: input.path.name, limit: limit)
        return .ok(.init(body: .json(try APIBridge.convert(["snapshots": snapshots]))))
    }

    func createSnapshot(_ input: Operations.CreateSnapshot.Input) async throws -> Operations.CreateSnapshot.Output {
        let name = input.path.name
        try APIValidation.modelName(name)
        guard case .json(let body) = input.body else { throw CollectorError(.invalidRequest, "the body must be JSON") }
        for device in body.devices ?? [] { try APIValidation.deviceID(device) }
        let filter = SnapshotFilter(model: name, devices: body.devices, profile: body.profile, tags: body.tags, groups: body.groups,
                                    from: body.from.map(Int64.init), to: body.to.map(Int64.init), includeImported: body.includeImported ?? true,
                                    includeCaptured: body.includeCaptured ?? true,
                                    validationPercent: body.validationPercent ?? training.validationPercent)
        let snapshot = try await datasets.createSnapshot(filter, by: try APIIdentity.name(), cause: body.cause)
        return .created(.init(body: .json(try APIBridge.convert(SnapshotSummary(snapshot)))))
    }

    func getSnapshot(_ input: Operations.GetSnapshot.Input) async throws -> Operations.GetSnapshot.Output {
        let snapshot = try await datasets.snapshot(id: input.path.id)
        return .ok(.init(body: .json(try APIBridge.convert(SnapshotSummary(snapshot)))))
    }

    func exportSnapshot(_ input: Operations.ExportSnapshot.Input) async throws -> Operations.ExportSnapshot.Output {
        let snapshot = try await datasets.snapshot(id: input.path.id)
        let split: SnapshotSplit? = switch input.query.split {
        case .train: .train
        case .validation: .validation
        case .all, nil: nil
        }
        switch input.query.format ?? .csv {
        case .csv:
            return .ok(.init(body: .csv(HTTPBody(try await datasets.exportCSV(snapshot, split: split)))))
        case .tensors:
            return .ok(.init(body: .binary(HTTPBody(try await datasets.exportTensors(snapshot, split: split)))))
        }
    }

    func listVersionEvaluations(_ input: Operations.ListVersionEvaluations.Input) async throws -> Operations.ListVersionEvaluations.Output {
        try APIValidation.modelName(input.path.name)
        let release = try APIValidation.release(input.path.release)
        guard try await store.version(model: input.path.name, release: release) != nil else {
            throw CollectorError(.notFound, "\(input.path.name) has no version with release counter \(release)")
        }
        let evaluations = try await store.evaluations(model: input.path.name, release: release)
        return .ok(.init(body: .json(.init(evaluations: try evaluations.map(Self.evaluationJSON)))))
    }

    func evaluateVersion(_ input: Operations.EvaluateVersion.Input) async throws -> Operations.EvaluateVersion.Output {
        try APIValidation.modelName(input.path.name)
        let release = try APIValidation.release(input.path.release)
        guard case .json(let body) = input.body else { throw CollectorError(.invalidRequest, "the body must be JSON") }
        if let snapshot = body.snapshot { try APIValidation.digest(snapshot) }
        var policy: GatePolicy?
        if let payload = body.policy {
            do { policy = try JSONDecoder().decode(StrictGatePolicy.self, from: JSONEncoder().encode(payload)).policy } catch {
                throw CollectorError(.invalidRequest, "policy is not a gate policy (docs/gate.md lists its fields): \(error)")
            }
        }
        let (record, _) = try await gate.evaluate(model: input.path.name, release: release, snapshotID: body.snapshot, policy: policy,
                                                  by: try APIIdentity.name())
        return .ok(.init(body: .json(try Self.evaluationJSON(record))))
    }

    /// An evaluation with its stored report as a JSON object (the record keeps it as text).
    static func evaluationJSON(_ record: EvaluationRecord) throws -> Components.Schemas.Evaluation {
        let report = (try? JSONSerialization.jsonObject(with: Data(record.report.utf8))) ?? [:]
        let object: [String: Any] = [
            "id": record.id, "model": record.model, "release": Int(record.release), "snapshotID": record.snapshotID, "blessed": record.blessed,
            "reasons": record.reasons, "evaluatedAt": record.evaluatedAt, "evaluatedBy": record.evaluatedBy, "report": report,
        ]
        return try APIBridge.decode([UInt8](try JSONSerialization.data(withJSONObject: object)))
    }
}
