import CMosquitto

extension ClientCore {
    /// Applies everything in the configuration that libmosquitto keeps across connections.
    static func applyConfiguration(_ configuration: MQTTConfiguration, to handle: OpaquePointer) throws(MQTTError) {
        let version = configuration.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
        try MQTTError.check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, version), .configure("protocol version"))
        // Threaded mode makes publish/subscribe from other threads only queue the packet and wake
        // the network thread's select, instead of writing to the socket from the caller's thread.
        try MQTTError.check(mosquitto_threaded_set(handle, true), .configure("threading"))
        try MQTTError.check(mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, configuration.tcpNoDelay ? 1 : 0), .configure("TCP_NODELAY"))
        try MQTTError.check(mosquitto_int_option(handle, MOSQ_OPT_SEND_MAXIMUM, Int32(configuration.sendMaximum)), .configure("send maximum"))

        if let username = configuration.username {
            let rc = username.withCString { user in
                if let password = configuration.password {
                    password.withCString { mosquitto_username_pw_set(handle, user, $0) }
                } else {
                    mosquitto_username_pw_set(handle, user, nil)
                }
            }
            try MQTTError.check(rc, .configure("username/password"))
        }

        if let tls = configuration.tls {
            let rc = tls.caFile.withCString { ca in
                withOptionalCString(tls.certFile) { cert in
                    withOptionalCString(tls.keyFile) { key in
                        // Without a password callback OpenSSL would prompt on the terminal for an
                        // encrypted key and hang a daemon; refusing makes the failure visible.
                        mosquitto_tls_set(handle, ca, nil, cert, key) { _, _, _, _ in 0 }
                    }
                }
            }
            do {
                try MQTTError.check(rc, .configure("TLS"))
            } catch {
                throw MQTTError(.invalidConfiguration,
                    "applying the TLS configuration failed: caFile '\(tls.caFile)'"
                    + (tls.certFile.map { ", certFile '\($0)'" } ?? "") + (tls.keyFile.map { ", keyFile '\($0)'" } ?? "")
                    + " must exist and be readable PEM files (\(error.message))")
            }
            try MQTTError.check(mosquitto_tls_insecure_set(handle, tls.insecure), .configure("TLS"))
        }

        if let will = configuration.will {
            let rc = will.topic.withCString { topic in
                will.payload.withUnsafeBytes { payload in
                    mosquitto_will_set_v5(handle, topic, Int32(payload.count), payload.baseAddress,
                                          Int32(will.qos.rawValue), will.retain, nil)
                }
            }
            try MQTTError.check(rc, .configure("will"))
        }
    }
}

/// Calls `body` with a C string for `string`, or with NULL when it is nil.
func withOptionalCString<Result>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> Result) -> Result {
    guard let string else { return body(nil) }
    return string.withCString(body)
}
