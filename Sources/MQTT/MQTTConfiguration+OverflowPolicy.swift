extension MQTTConfiguration {
    /// What happens to a received message when ``MQTTConfiguration/messageBufferSize`` are already waiting.
    ///
    /// Either way the drop is counted in ``MQTTClient/droppedMessageCount`` and the broker has already
    /// been acknowledged (libmosquitto sends PUBACK before handing the message over), so a dropped
    /// QoS 1 message is not redelivered: protocols that cannot lose messages need their own acks.
    public enum OverflowPolicy: Sendable, Hashable, CaseIterable {
        /// Keep the waiting messages and discard the new one (tail drop): order is preserved.
        case dropNewest
        /// Discard the oldest waiting message to make room: the freshest data wins.
        case dropOldest
    }
}
