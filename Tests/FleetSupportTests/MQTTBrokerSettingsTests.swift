import FleetSupport
import Foundation
import MQTT
import XCTest

final class MQTTBrokerSettingsTests: XCTestCase {
    /// A flat owner object: the shared keys plus one of its own, as the agent's and the collector's are.
    private struct Owner: Decodable {
        var connection: MQTTBrokerSettings
        var extra: Int?
        enum CodingKeys: String, CodingKey, CaseIterable { case extra }
        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(allowing: Set(MQTTBrokerSettings.Key.allCases.map(\.stringValue) + ["extra"]))
            connection = try MQTTBrokerSettings(from: decoder, defaultHost: nil)
            extra = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Int.self, forKey: .extra)
        }
    }

    private struct Defaulted: Decodable {
        var connection: MQTTBrokerSettings
        init(from decoder: any Decoder) throws { connection = try MQTTBrokerSettings(from: decoder, defaultHost: "127.0.0.1") }
    }

    func testDecodesTheSharedKeysBesideTheOwnersOwn() throws {
        let json = #"{"host": "mqtt.lan", "port": 8883, "username": "u", "caFile": "/ca", "certFile": "/c", "keyFile": "/k", "keepAliveSeconds": 10, "extra": 4}"#
        let owner = try JSONDecoder().decode(Owner.self, from: Data(json.utf8))
        XCTAssertEqual(owner.connection, MQTTBrokerSettings(host: "mqtt.lan", port: 8883, username: "u", caFile: "/ca", certFile: "/c",
                                                            keyFile: "/k", keepAliveSeconds: 10))
        XCTAssertEqual(owner.extra, 4)
    }

    func testHostIsRequiredWithoutADefault() {
        XCTAssertThrowsError(try JSONDecoder().decode(Owner.self, from: Data(#"{"port": 1}"#.utf8))) { error in
            guard case DecodingError.keyNotFound(let key, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(key.stringValue, "host")
        }
        XCTAssertThrowsError(try JSONDecoder().decode(Owner.self, from: Data(#"{"host": "h", "hots": 1}"#.utf8)))
    }

    func testDefaults() throws {
        let settings = try JSONDecoder().decode(Defaulted.self, from: Data("{}".utf8)).connection
        XCTAssertEqual(settings, MQTTBrokerSettings(host: "127.0.0.1", port: 1883, keepAliveSeconds: 30))
    }

    func testConfigurationReadsThePasswordFileAndTurnsOnTLS() throws {
        let path = NSTemporaryDirectory() + "password-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "secret\nignored\n".write(toFile: path, atomically: true, encoding: .utf8)
        let settings = MQTTBrokerSettings(host: "h", port: 8883, username: "u", passwordFile: path, caFile: "/ca", keepAliveSeconds: 12)
        let configuration = try settings.makeConfiguration(clientID: "c")
        XCTAssertEqual(configuration.host, "h")
        XCTAssertEqual(configuration.port, 8883)
        XCTAssertEqual(configuration.clientID, "c")
        XCTAssertEqual(configuration.keepAlive, .seconds(12))
        XCTAssertEqual(configuration.username, "u")
        XCTAssertEqual(configuration.password, "secret")
        XCTAssertEqual(configuration.tls?.caFile, "/ca")
        XCTAssertNil(MQTTBrokerSettings(host: "h").makeConfiguration(clientID: "c", password: nil).tls)

        var missing = settings
        missing.passwordFile = path + ".absent"
        XCTAssertThrowsError(try missing.makeConfiguration(clientID: "c")) { error in
            XCTAssertEqual((error as? FileError)?.message, "cannot open \(path).absent: No such file or directory")
        }
    }
}
