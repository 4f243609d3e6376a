/// The messages received on all of a client's subscriptions, in arrival order.
///
/// Backed by a bounded buffer (``MQTTConfiguration/messageBufferSize``): when the consumer falls
/// behind, messages are dropped according to ``MQTTConfiguration/overflowPolicy`` and counted in
/// ``MQTTClient/droppedMessageCount``. The network thread never waits for the consumer, so a slow
/// consumer cannot stall keep-alives or acknowledgements. Iterate from one task at a time; the
/// sequence ends when the client is shut down.
public struct MQTTMessages: AsyncSequence, Sendable {
    public typealias Element = MQTTMessage
    public typealias Failure = Never

    let stream: AsyncStream<MQTTMessage>

    /// Creates the iterator; only one may be iterating at a time.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator())
    }

    /// Iterates ``MQTTMessages``; returns nil once the client has been shut down.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncStream<MQTTMessage>.Iterator

        /// The next message, waiting for one if the buffer is empty.
        public mutating func next() async -> MQTTMessage? {
            await base.next()
        }
    }
}
