extension ClientState {
    /// A task waiting for the broker to acknowledge one packet.
    struct AckWaiter {
        enum Kind {
            /// PUBACK of a QoS 1 publish; survives reconnects because libmosquitto resends the message.
            case publish
            /// SUBACK or UNSUBACK; moot once the connection ends, as subscriptions are re-sent anyway.
            case subscribe
            case unsubscribe
        }

        let token: UInt64
        let kind: Kind
        let continuation: CheckedContinuation<[Int32], any Error>
    }
}
