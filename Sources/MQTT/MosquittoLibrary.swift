import CMosquitto

/// Process-wide libmosquitto initialisation.
enum MosquittoLibrary {
    /// `mosquitto_lib_init` is not thread-safe and must run once: a static `let` is initialised
    /// exactly once, under `swift_once`, whichever thread gets here first. The library is never
    /// cleaned up: clients may live until the process exits, and the OS reclaims the rest.
    private static let initResult: Int32 = mosquitto_lib_init()

    static func ensureInitialized() throws(MQTTError) {
        try MQTTError.check(initResult, .initialize)
    }
}
