import Foundation
import MQTT
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `tcpNoDelay` reaches the socket: read TCP_NODELAY back from this process's connection to the broker.
final class MQTTSocketOptionTests: XCTestCase {
    func testTCPNoDelayIsSetOnTheConnectionOnlyWhenAsked() async throws {
        let broker = try Mosquitto()
        for wanted in [true, false] {
            let client = try makeClient(broker, id: "nodelay-\(wanted)") { $0.tcpNoDelay = wanted }
            try await client.connect()
            let sockets = Self.socketsConnected(toPort: broker.port)
            XCTAssertEqual(sockets.count, 1, "one connection to the broker while one client is connected")
            for fd in sockets { XCTAssertEqual(Self.noDelay(fd), wanted, "TCP_NODELAY with tcpNoDelay = \(wanted)") }
            await client.shutdown()
        }
    }

    /// This process's TCP sockets whose peer is 127.0.0.1:`port`.
    static func socketsConnected(toPort port: Int) -> [Int32] {
        (0..<Int32(4096)).filter { fd in
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let found = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) == 0 }
            }
            return found && address.sin_family == sa_family_t(AF_INET) && Int(UInt16(bigEndian: address.sin_port)) == port
        }
    }

    static func noDelay(_ fd: Int32) -> Bool {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &value, &length) == 0 else { return false }
        return value != 0
    }
}
