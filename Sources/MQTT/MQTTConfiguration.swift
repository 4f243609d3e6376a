/// Everything an ``MQTTClient`` needs to reach and talk to a broker.
///
/// Values are checked when the client is created; the defaults suit an edge device on a flaky link.
public struct MQTTConfiguration: Sendable, Hashable {
    /// The broker's host name or IP address.
    public var host: String
    /// The broker's TCP port: 1883 for plain MQTT, usually 8883 with TLS.
    public var port: Int
    /// The MQTT client identifier; must be unique per broker. Empty lets libmosquitto generate
    /// one, which requires `cleanStart == true`.
    public var clientID: String
    /// The keep-alive interval, whole seconds, 5 s or more (0 disables keep-alive).
    public var keepAlive: Duration
    /// Start a new session on every connection (MQTT v5 Clean Start, v3.1.1 Clean Session).
    public var cleanStart: Bool
    /// MQTT v5 session expiry interval sent on CONNECT; nil keeps the protocol default (the session
    /// ends with the connection). Only meaningful with `cleanStart == false`.
    public var sessionExpiry: Duration?
    /// The username sent on CONNECT; nil sends none.
    public var username: String?
    /// The password sent on CONNECT; requires `username`.
    public var password: String?
    /// TLS settings; nil connects in plain TCP.
    public var tls: TLS?
    /// The message the broker publishes on the client's behalf if the connection ends without a
    /// DISCONNECT (crash, power loss, network failure, keep-alive timeout).
    public var will: Will?
    /// The delays between automatic reconnection attempts after an established connection is lost.
    public var reconnectBackoff: ReconnectBackoff
    /// How many received messages wait for the consumer of ``MQTTClient/messages`` before
    /// ``overflowPolicy`` applies. Bounds memory on a 512 MB device.
    public var messageBufferSize: Int
    /// Which messages are dropped when the buffer is full.
    public var overflowPolicy: OverflowPolicy
    /// MQTT v5 by default; `.v311` for brokers that only speak MQTT 3.1.1.
    public var protocolVersion: ProtocolVersion
    /// QoS 1 publishes that may await their PUBACK at once (1…65535; libmosquitto's `MOSQ_OPT_SEND_MAXIMUM`); later
    /// ones wait inside libmosquitto. Under MQTT v5 a broker's smaller Receive Maximum wins. The default, 20, is
    /// libmosquitto's and suits a device; a client that publishes many small messages while the broker floods it with
    /// others (the collector's acknowledgements: their PUBACKs queue behind that flood) needs more.
    public var sendMaximum: Int
    /// Sends each packet at once (TCP_NODELAY) instead of letting Nagle's algorithm hold a small packet until the
    /// previous one is acknowledged — with the peer's delayed ACK, up to 40 ms. Off by default, as in libmosquitto;
    /// the collector and the fleet simulator turn it on: an acknowledgement held 40 ms stalls every device whose
    /// publish window is shorter than that (measured: 13,700 instead of 19,500 messages/s stored).
    public var tcpNoDelay: Bool

    /// Creates a configuration; only the broker and the client ID have no sensible default.
    public init(
        host: String,
        port: Int = 1883,
        clientID: String,
        keepAlive: Duration = .seconds(30),
        cleanStart: Bool = true,
        sessionExpiry: Duration? = nil,
        username: String? = nil,
        password: String? = nil,
        tls: TLS? = nil,
        will: Will? = nil,
        reconnectBackoff: ReconnectBackoff = ReconnectBackoff(),
        messageBufferSize: Int = 256,
        overflowPolicy: OverflowPolicy = .dropNewest,
        protocolVersion: ProtocolVersion = .v5,
        sendMaximum: Int = 20,
        tcpNoDelay: Bool = false
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.keepAlive = keepAlive
        self.cleanStart = cleanStart
        self.sessionExpiry = sessionExpiry
        self.username = username
        self.password = password
        self.tls = tls
        self.will = will
        self.reconnectBackoff = reconnectBackoff
        self.messageBufferSize = messageBufferSize
        self.overflowPolicy = overflowPolicy
        self.protocolVersion = protocolVersion
        self.sendMaximum = sendMaximum
        self.tcpNoDelay = tcpNoDelay
    }
}
