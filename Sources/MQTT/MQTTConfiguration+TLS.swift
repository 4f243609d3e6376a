extension MQTTConfiguration {
    /// Certificate-based TLS: the CA that signs the broker, and optionally a client certificate.
    ///
    /// Paths are read by OpenSSL when connecting; the CA file must be readable when the client is
    /// created. Encrypted private keys are refused rather than prompting on a terminal.
    public struct TLS: Sendable, Hashable {
        /// PEM file with the CA certificate(s) trusted to sign the broker's certificate.
        public var caFile: String
        /// PEM client certificate, for brokers that require client authentication.
        public var certFile: String?
        /// PEM private key of `certFile`, unencrypted.
        public var keyFile: String?
        /// Skip checking that the broker's certificate names `host`. For lab setups only: it lets
        /// anyone with a certificate from the same CA impersonate the broker.
        public var insecure: Bool

        /// Creates TLS settings; pass `certFile` and `keyFile` together for client authentication.
        public init(caFile: String, certFile: String? = nil, keyFile: String? = nil, insecure: Bool = false) {
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
            self.insecure = insecure
        }
    }
}
