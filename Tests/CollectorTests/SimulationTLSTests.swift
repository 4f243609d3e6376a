import FleetSim
import MQTT
import XCTest

/// The simulator's TLS settings: which certificate each connection presents, and the combinations refused before
/// anything connects (per-device identities cannot share a connection: the broker's ACL knows one device per
/// certificate).
final class SimulationTLSTests: XCTestCase {
    func testEachDeviceConnectsWithItsOwnCertificateAndASharedConnectionWithTheCommonOne() {
        let perDevice = SimulationTLS(caFile: "/pki/ca.crt", deviceCertificateDirectory: "/pki/devices")
        let device = perDevice.configuration(forDevice: "machine-7")
        XCTAssertEqual(device.caFile, "/pki/ca.crt")
        XCTAssertEqual(device.certFile, "/pki/devices/machine-7.crt")
        XCTAssertEqual(device.keyFile, "/pki/devices/machine-7.key")
        XCTAssertFalse(device.insecure, "the broker's certificate is verified against the CA and the host")

        let common = SimulationTLS(caFile: "/ca.crt", certFile: "/sim.crt", keyFile: "/sim.key")
        XCTAssertEqual(common.configuration(forDevice: "machine-7"), common.sharedConfiguration)
        XCTAssertEqual(common.sharedConfiguration.certFile, "/sim.crt")
        XCTAssertNil(SimulationTLS(caFile: "/ca.crt").configuration(forDevice: "machine-7").certFile, "TLS without a client certificate")
    }

    func testPerDeviceCertificatesOnASharedConnectionAndHalfAnIdentityAreRefused() throws {
        var settings = SimulationSettings(devices: 4)
        settings.tls = SimulationTLS(caFile: "/pki/ca.crt", deviceCertificateDirectory: "/pki/devices")
        settings.devicesPerConnection = 2
        XCTAssertThrowsError(try settings.validate()) { error in
            XCTAssertEqual((error as? FleetSimError)?.code, .invalidConfiguration)
            XCTAssertTrue("\(error)".contains("--devices-per-connection must be 1"), "\(error)")
        }
        settings.devicesPerConnection = 1
        XCTAssertNoThrow(try settings.validate())
        settings.tls = SimulationTLS(caFile: "/ca.crt", certFile: "/sim.crt")
        XCTAssertThrowsError(try settings.validate(), "a certificate without its key")
        settings.tls = SimulationTLS(caFile: "/ca.crt", deviceCertificateDirectory: "/pki/devices", certFile: "/sim.crt", keyFile: "/sim.key")
        XCTAssertThrowsError(try settings.validate(), "two kinds of identity")
        settings.tls = SimulationTLS(caFile: "/ca.crt", certFile: "/sim.crt", keyFile: "/sim.key")
        settings.devicesPerConnection = 2
        XCTAssertNoThrow(try settings.validate(), "one common identity may be shared")
    }
}
