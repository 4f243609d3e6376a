/// A configuration type that holds the shared broker settings (`connection`) beside keys of its own: the agent's
/// `BrokerSettings` and the collector's `BrokerConfiguration`.
///
/// The extension reads and writes the shared settings under their familiar names, so `configuration.broker.host` reads
/// as it always did, in one place for both.
public protocol MQTTBrokerSettingsHolder {
    var connection: MQTTBrokerSettings { get set }
}

extension MQTTBrokerSettingsHolder {
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
    /// A file whose first line is the password, so the password stays out of the configuration file.
    public var passwordFile: String? {
        get { connection.passwordFile }
        set { connection.passwordFile = newValue }
    }
    /// CA certificate to verify the broker with; enables TLS.
    public var caFile: String? {
        get { connection.caFile }
        set { connection.caFile = newValue }
    }
    /// Client certificate and key for mutual TLS.
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
