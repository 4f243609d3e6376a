extension MQTTError {
    /// What kind of failure occurred; stable so services can decide whether to retry.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A topic, filter, payload or option is not acceptable (fix the caller).
        case invalidArgument
        /// The configuration is inconsistent or refers to files that cannot be read.
        case invalidConfiguration
        /// The host name could not be resolved.
        case hostNotFound
        /// No TCP connection could be made (refused, unreachable, timed out).
        case connectionFailed
        /// The broker refused the connection for a reason other than credentials.
        case connectionRefused
        /// The broker rejected the username/password or the client is not authorised.
        case notAuthorized
        /// TLS setup or handshake failed (certificates, keys, host name, protocol).
        case tlsFailure
        /// An established connection ended unexpectedly.
        case connectionLost
        /// The operation needs a connection and there is none.
        case notConnected
        /// The broker or the library saw a protocol violation or an unsupported feature.
        case protocolError
        /// The broker refused a publish, subscribe or unsubscribe with a failure reason code.
        case rejected
        /// Memory could not be allocated.
        case outOfMemory
        /// ``MQTTClient/shutdown()`` has been called.
        case shutDown
        /// Anything libmosquitto reports that fits none of the above.
        case unknown
    }
}
