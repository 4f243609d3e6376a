import CollectorAPI
import Foundation

extension CollectorAPIHandler {
    func listRollouts(_ input: Operations.ListRollouts.Input) async throws -> Operations.ListRollouts.Output {
        let limit = try APIValidation.limit(input.query.limit, default: 100, maximum: 1000)
        let rollouts = try await store.rollouts(activeOnly: input.query.active ?? false, limit: limit)
        return .ok(.init(body: .json(.init(rollouts: try APIBridge.convert(rollouts)))))
    }

    func createRollout(_ input: Operations.CreateRollout.Input) async throws -> Operations.CreateRollout.Output {
        guard case .json(let body) = input.body else { throw CollectorError(.invalidRequest, "the body must be JSON") }
        let engine = try engine()
        try APIValidation.modelName(body.model)
        let target: RolloutTarget = try Self.bridge(body.target, "target")
        var strategy: RolloutStrategy?
        if let given = body.strategy { strategy = try Self.overlay(engine.settings.strategy, with: given) }
        let rollout = try await engine.create(RolloutRequest(model: body.model, version: body.version, target: target, strategy: strategy,
                                                             createdBy: try APIIdentity.name()))
        return .created(.init(body: .json(try APIBridge.convert(rollout))))
    }

    func getRollout(_ input: Operations.GetRollout.Input) async throws -> Operations.GetRollout.Output {
        let id = input.path.rollout
        try Self.validateRolloutID(id)
        guard let rollout = try await store.rollout(id: id) else { throw CollectorError(.notFound, "no rollout '\(id)'") }
        return .ok(.init(body: .json(try APIBridge.convert(rollout))))
    }

    func changeRollout(_ input: Operations.ChangeRollout.Input) async throws -> Operations.ChangeRollout.Output {
        let id = input.path.rollout
        try Self.validateRolloutID(id)
        let engine = try engine()
        var reason: String?
        if case .json(let body) = input.body { reason = body.reason }
        let by = try APIIdentity.name()
        let rollout: RolloutRecord
        switch input.path.action {
        case .pause: rollout = try await engine.pause(id: id, reason: reason, by: by)
        case .resume: rollout = try await engine.resume(id: id, by: by)
        case .abort: rollout = try await engine.abort(id: id, reason: reason, by: by)
        case .promote: rollout = try await engine.promote(id: id, by: by)
        }
        return .ok(.init(body: .json(try APIBridge.convert(rollout))))
    }

    func listVersionLedger(_ input: Operations.ListVersionLedger.Input) async throws -> Operations.ListVersionLedger.Output {
        let query = input.query
        if let device = query.device { try APIValidation.deviceID(device) }
        if let digest = query.digest { try APIValidation.digest(digest) }
        let at = try APIValidation.nonNegative(query.at, "at")
        let limit = try APIValidation.limit(query.limit, default: 1000, maximum: 100_000)
        let spans = try await store.versionLedger(VersionLedgerQuery(deviceID: query.device, digest: query.digest, at: at, limit: limit))
        return .ok(.init(body: .json(.init(spans: try APIBridge.convert(spans)))))
    }

    private func engine() throws(CollectorError) -> RolloutEngine {
        guard let rollouts, rollouts.settings.enabled else {
            throw CollectorError(.conflict, "rollouts are disabled in this collector (rollouts.enabled)")
        }
        return rollouts
    }

    static func validateRolloutID(_ id: String) throws(CollectorError) {
        guard id.hasPrefix("ro-"), id.utf8.count == 15, id.dropFirst(3).allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw CollectorError(.invalidRequest, "a rollout ID is ro- and 12 lowercase hex digits")
        }
    }

    /// A generated API value as a domain value through its JSON form; the domain decoder refuses what the spec would.
    static func bridge<T: Decodable>(_ value: some Encodable, _ name: String) throws(CollectorError) -> T {
        do { return try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value)) } catch {
            throw CollectorError(.invalidRequest, "\(name) is malformed: \(error)")
        }
    }

    /// The configured default strategy with the fields the request gives replacing its own (gates field by field).
    static func overlay(_ defaults: RolloutStrategy, with given: some Encodable) throws(CollectorError) -> RolloutStrategy {
        do {
            guard var base = try JSONSerialization.jsonObject(with: JSONEncoder().encode(defaults)) as? [String: Any],
                  let overlay = try JSONSerialization.jsonObject(with: JSONEncoder().encode(given)) as? [String: Any] else {
                throw CollectorError(.invalidRequest, "strategy must be an object")
            }
            for (key, value) in overlay {
                if key == "gates", let gates = value as? [String: Any], var baseGates = base["gates"] as? [String: Any] {
                    for (gate, limit) in gates { baseGates[gate] = limit }
                    base[key] = baseGates
                } else {
                    base[key] = value
                }
            }
            let strategy = try JSONDecoder().decode(RolloutStrategy.self, from: JSONSerialization.data(withJSONObject: base))
            try strategy.validate()
            return strategy
        } catch let error as CollectorError {
            throw error
        } catch {
            throw CollectorError(.invalidRequest, "strategy is malformed: \(error)")
        }
    }
}
