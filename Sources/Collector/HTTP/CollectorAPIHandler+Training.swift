import CollectorAPI
import Foundation

extension CollectorAPIHandler {
    func queue() throws(CollectorError) -> TrainingService {
        guard let trainingService else { throw CollectorError(.invalidConfiguration, "training is not available in this collector") }
        return trainingService
    }

    func listTrainingJobs(_ input: Operations.ListTrainingJobs.Input) async throws -> Operations.ListTrainingJobs.Output {
        if let model = input.query.model { try APIValidation.modelName(model) }
        let limit = try APIValidation.limit(input.query.limit, default: 100, maximum: 1000)
        let states = input.query.state.flatMap { TrainingJobState(rawValue: $0.rawValue) }.map { [$0] }
        let jobs = try await store.jobs(model: input.query.model, states: states, limit: limit)
        return .ok(.init(body: .json(try APIBridge.convert(["jobs": jobs]))))
    }

    func createTrainingJob(_ input: Operations.CreateTrainingJob.Input) async throws -> Operations.CreateTrainingJob.Output {
        guard case .json(let body) = input.body else { throw CollectorError(.invalidRequest, "the body must be JSON") }
        try APIValidation.digest(body.snapshot)
        let kind = body.kind.flatMap { TrainingJobKind(rawValue: $0.rawValue) } ?? .mlp
        var options = TrainingJobOptions()
        if let payload = body.options {
            do { options = try JSONDecoder().decode(TrainingJobOptions.self, from: JSONEncoder().encode(payload)) } catch {
                throw CollectorError(.invalidRequest, "options: \(error) (known: hiddenLayers, maxEpochs, batchSize, learningRate, patience, seed, refit)")
            }
        }
        let job = try await queue().enqueue(snapshotID: body.snapshot, kind: kind, options: options, by: try APIIdentity.name(), cause: body.cause)
        return .created(.init(body: .json(try APIBridge.convert(job))))
    }

    func getTrainingJob(_ input: Operations.GetTrainingJob.Input) async throws -> Operations.GetTrainingJob.Output {
        guard let job = try await store.job(id: Int64(input.path.id)) else { throw CollectorError(.notFound, "no training job \(input.path.id)") }
        return .ok(.init(body: .json(try APIBridge.convert(job))))
    }

    func cancelTrainingJob(_ input: Operations.CancelTrainingJob.Input) async throws -> Operations.CancelTrainingJob.Output {
        let job = try await queue().cancel(jobID: Int64(input.path.id), by: try APIIdentity.name())
        return .ok(.init(body: .json(try APIBridge.convert(job))))
    }
}
