import MQTT

// The shared settings under their familiar names, so `configuration.broker.host` reads as before.
extension BrokerConfiguration {
    public var host: String {
        get { connection.host }
        set { connection.host = newValue }
    }
    public var port: Int {
        get { connection.port }
        set { connection.port = newValue }
    }
    public var username: String? {
        get { connection.username }
        set { connection.username = newValue }
    }
    /// A file whose first line is the password, so it stays out of the configuration.
    public var passwordFile: String? {
        get { connection.passwordFile }
        set { connection.passwordFile = newValue }
    }
    /// CA certificate that enables TLS; client certificate and key for mutual TLS.
    public var caFile: String? {
        get { connection.caFile }
        set { connection.caFile = newValue }
    }
    public var certFile: String? {
        get { connection.certFile }
        set { connection.certFile = newValue }
    }
    public var keyFile: String? {
        get { connection.keyFile }
        set { connection.keyFile = newValue }
    }
    public var keepAliveSeconds: Int {
        get { connection.keepAliveSeconds }
        set { connection.keepAliveSeconds = newValue }
    }
}
