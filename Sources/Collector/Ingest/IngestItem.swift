import FleetProtocol

/// A validated incoming message, routed by what has to happen to it.
public enum IngestItem: Sendable {
    /// Stored in the next batch (queued kinds are acknowledged afterwards; status is not queued).
    case store(IngestMessage)
    /// Answered by the distribution service with one bundle chunk.
    case chunkRequest(deviceID: String, request: ChunkRequest)
    /// Nothing to do (an empty retained message clearing a status).
    case ignore
}
