/// The order of a device's update phases: by the device's own sequence numbers, never by arrival.
///
/// QoS 1 redelivery and resends after a stall can bring an earlier phase after a later one; an assignment keeps the
/// phase of the latest message the device produced. A message of another stream (the device's state was wiped
/// and it started a new stream) is taken as newer: sequence numbers of different streams do not compare.
public enum PhaseOrder {
    /// Whether a phase reported at (`stream`, `seq`) replaces one recorded at (`recordedStream`, `recordedSeq`).
    public static func replaces(stream: String, seq: UInt64, recordedStream: String?, recordedSeq: UInt64?) -> Bool {
        guard let recordedStream, let recordedSeq else { return true }
        return recordedStream != stream || recordedSeq < seq
    }

    /// The same rule as a SQL condition over `phase_stream` and `phase_seq`, with `?` for the stream twice and the
    /// sequence number once (in that order). Kept beside the Swift rule; the store contract tests check they agree.
    public static let sqlCondition = "(phase_seq IS NULL OR phase_stream IS NOT ? OR phase_seq < ?)"
}
