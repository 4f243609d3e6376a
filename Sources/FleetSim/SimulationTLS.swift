import MQTT

/// How simulated devices reach a broker over TLS (`edgectl fleet-sim --cafile`, `--pki`): the CA that signs the
/// broker and the client certificates the devices present.
///
/// With per-device identities (`deviceCertificateDirectory`) each device connects with the certificate whose CN is its
/// ID, so a locked-down broker (scripts/broker.sh: `use_identity_as_username` and a `%u` ACL) treats a simulated device
/// exactly as a real one: it may speak only for itself. A connection shared by several devices cannot do that, so
/// per-device identities need one connection per device (``validate(devicesPerConnection:)``).
public struct SimulationTLS: Sendable, Hashable {
    /// PEM file of the CA that signs the broker's certificate.
    public var caFile: String
    /// A directory holding `<device id>.crt` and `<device id>.key` for every simulated device (an `edgectl pki`
    /// directory's `devices/`); nil when the devices share `certFile`/`keyFile` or present no certificate.
    public var deviceCertificateDirectory: String?
    /// One client certificate for every connection, for a broker that authenticates the simulator, not each device.
    public var certFile: String?
    /// The key of `certFile`.
    public var keyFile: String?

    /// TLS settings; give either `deviceCertificateDirectory` or `certFile` and `keyFile` (or none of them).
    public init(caFile: String, deviceCertificateDirectory: String? = nil, certFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.deviceCertificateDirectory = deviceCertificateDirectory
        self.certFile = certFile
        self.keyFile = keyFile
    }

    /// The client TLS settings of the connection device `deviceID` opens itself.
    public func configuration(forDevice deviceID: String) -> MQTTConfiguration.TLS {
        guard let directory = deviceCertificateDirectory else { return sharedConfiguration }
        return MQTTConfiguration.TLS(caFile: caFile, certFile: "\(directory)/\(deviceID).crt", keyFile: "\(directory)/\(deviceID).key")
    }

    /// The client TLS settings of a connection shared by several devices (`--devices-per-connection`).
    public var sharedConfiguration: MQTTConfiguration.TLS {
        MQTTConfiguration.TLS(caFile: caFile, certFile: certFile, keyFile: keyFile)
    }

    /// Refuses what cannot work: a certificate without its key, two kinds of identity, or per-device identities on a
    /// shared connection (the broker's ACL lets a connection speak only for its certificate's device).
    public func validate(devicesPerConnection: Int) throws(FleetSimError) {
        guard (certFile == nil) == (keyFile == nil) else {
            throw FleetSimError(.invalidConfiguration, "a client certificate needs its key: give --certfile and --keyfile together")
        }
        guard deviceCertificateDirectory == nil || certFile == nil else {
            throw FleetSimError(.invalidConfiguration, "give per-device certificates (--pki) or one client certificate (--certfile/--keyfile), not both")
        }
        guard deviceCertificateDirectory == nil || devicesPerConnection == 1 else {
            throw FleetSimError(.invalidConfiguration,
                                "per-device certificates (--pki) need one connection per device: the broker's ACL lets a connection speak only for "
                                + "the device its certificate names, so --devices-per-connection must be 1 (run more fleet-sim processes, about 300 "
                                + "devices each, for a larger fleet; docs/security.md)")
        }
    }
}
