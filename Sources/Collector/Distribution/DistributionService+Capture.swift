import FleetProtocol

extension DistributionService {
    /// Sends a `capture` command to each device; returns how many the broker accepted within `timeout` each.
    ///
    /// Capture commands are not stored: a device that misses one simply captures at its configured rate, and the
    /// learning loop asks again when the request's duration has passed.
    public func requestCapture(_ request: CaptureRequest, devices: [String], timeout: Duration = .seconds(5)) async -> Int {
        var delivered = 0
        for device in devices {
            do {
                let topic = try DeviceTopics(deviceID: device).commands
                let id = "cap-" + (0..<12).map { _ in String("0123456789abcdef".randomElement()!) }.joined()
                let payload = try FleetCodec.encode(Command(id: id, type: .capture, capture: request))
                let accepted = try await publish(topic: topic, payload: payload, timeout: timeout)
                if accepted { delivered += 1 }
            } catch {
                logger.warning("sending a capture request failed", metadata: ["device": "\(device)", "error": "\(error)"])
            }
        }
        return delivered
    }
}
