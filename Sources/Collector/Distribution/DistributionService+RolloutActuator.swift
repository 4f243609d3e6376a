import FleetProtocol

extension DistributionService: RolloutActuator {
    public func assign(_ version: ModelVersionRecord, to deviceID: String, createdBy: String, probationSeconds: Double?) async throws(CollectorError) {
        _ = try await assign(version, to: deviceID, createdBy: createdBy, probationSeconds: probationSeconds, timeout: .seconds(5))
    }

    public func resend(_ assignment: AssignmentRecord) async throws(CollectorError) {
        guard await send(assignment, timeout: .seconds(5)) else {
            throw CollectorError(.io, "the broker did not accept assignment \(assignment.id) for \(assignment.deviceID) within 5 s")
        }
    }

    /// Records the champion as the device's newest assignment (so a device that was offline gets the champion, not
    /// the rolled-back version, when its next birth arrives) and sends it as a `rollback` command.
    public func rollback(to version: ModelVersionRecord, deviceID: String, createdBy: String, asAssignment: Bool) async throws(CollectorError) {
        guard !asAssignment else {
            _ = try await assign(version, to: deviceID, createdBy: createdBy, timeout: .seconds(5))
            return
        }
        let id = "rbk-" + (0..<12).map { _ in String("0123456789abcdef".randomElement()!) }.joined()
        let record = AssignmentRecord(id: id, deviceID: deviceID, model: version.model, release: version.release, version: version.version,
                                      digest: version.digest, size: version.size, chunkSize: settings.chunkSize, createdAt: clock.now(),
                                      createdBy: createdBy)
        try await store.insert(record)
        var delivered = false
        do {
            let topic = try DeviceTopics(deviceID: deviceID).commands
            let payload = try FleetCodec.encode(Command.rollback(record.assignment))
            try await client.publish(topic: topic, payload: payload, qos: .atLeastOnce)
            delivered = true
        } catch {
            logger.warning("sending a rollback failed", metadata: ["device": "\(deviceID)", "assignment": "\(id)", "error": "\(error)"])
        }
        try await store.record(CollectorEvent(name: "rollout.rollback_sent", deviceID: deviceID, model: version.model,
                                              details: ["assignment": id, "release": "\(version.release)", "digest": version.digest,
                                                        "by": createdBy, "delivered": "\(delivered)"]),
                               at: record.createdAt)
    }
}
