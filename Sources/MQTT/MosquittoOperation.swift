/// What the client was doing when libmosquitto or the broker said no; phrases errors for people.
enum MosquittoOperation: Sendable {
    case initialize
    case create
    /// Applying part of the configuration, named for the reader ("TLS", "will", ...).
    case configure(String)
    /// Establishing a connection to the broker ("host:port").
    case connect(broker: String)
    /// An established connection to the broker ("host:port").
    case connection(broker: String)
    case publish(topic: String)
    case subscribe(filter: String)
    case unsubscribe(filter: String)

    var summary: String {
        switch self {
        case .initialize: "initialising libmosquitto"
        case .create: "creating the MQTT client"
        case .configure(let what): "applying the \(what) configuration"
        case .connect(let broker): "connecting to the MQTT broker at \(broker)"
        case .connection(let broker): "the connection to the MQTT broker at \(broker)"
        case .publish(let topic): "publishing to '\(topic)'"
        case .subscribe(let filter): "subscribing to '\(filter)'"
        case .unsubscribe(let filter): "unsubscribing from '\(filter)'"
        }
    }

    var isConnecting: Bool {
        if case .connect = self { return true }
        return false
    }

    var isConfiguring: Bool {
        switch self {
        case .configure, .create, .initialize: true
        default: false
        }
    }
}
