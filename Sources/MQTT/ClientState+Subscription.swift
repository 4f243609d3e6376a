extension ClientState {
    /// A subscription the client keeps re-establishing on every connection.
    struct Subscription: Hashable {
        let filter: String
        var qos: MQTTQoS
    }
}
