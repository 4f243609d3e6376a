/// The delivery guarantee of a publish or a subscription.
///
/// QoS 2 is deliberately absent: the fleet's at-least-once design (sequence numbers, acks, an
/// on-disk queue) makes exactly-once handshakes cost round trips without adding a guarantee.
public enum MQTTQoS: Int, Sendable, Hashable, CaseIterable, Comparable {
    /// Fire and forget: the message may be lost.
    case atMostOnce = 0
    /// The broker acknowledges with PUBACK; the message may arrive more than once.
    case atLeastOnce = 1

    /// Orders by guarantee: at most once < at least once.
    public static func < (lhs: MQTTQoS, rhs: MQTTQoS) -> Bool { lhs.rawValue < rhs.rawValue }
}
