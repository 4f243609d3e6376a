import Agent
import Foundation
import XCTest

/// sd_notify without libsystemd: datagrams to NOTIFY_SOCKET, read here by a socket standing in for systemd.
final class SystemdNotifierTests: XCTestCase {
    /// A datagram socket bound to `path` (a leading "@" for the abstract namespace).
    private final class FakeSystemd {
        let descriptor: Int32

        init(path: String) throws {
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            var bytes = Array(path.utf8)
            if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
            let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1))
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
            }
            guard bound == 0 else { throw NSError(domain: "bind", code: Int(errno)) }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(descriptor) }

        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
        }
    }

    func testMessagesReachTheSocketInOrder() throws {
        let path = try AgentFixtures.directory(self, "notify") + "/notify.sock"
        let systemd = try FakeSystemd(path: path)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"])
        XCTAssertEqual(notifier.watchdogInterval, .seconds(30))
        notifier.ready(status: "serving kws 1.0.0")
        notifier.watchdog()
        notifier.status("queue 3")
        notifier.stopping()
        let ready = try XCTUnwrap(systemd.receive())
        XCTAssertTrue(ready.hasPrefix("READY=1\nSTATUS=serving kws 1.0.0\nMAINPID="), ready)
        XCTAssertEqual(systemd.receive(), "WATCHDOG=1")
        XCTAssertEqual(systemd.receive(), "STATUS=queue 3")
        XCTAssertEqual(systemd.receive(), "STOPPING=1\nSTATUS=stopping")
    }

    func testAbstractNamespaceSocket() throws {
        let name = "@edge-agent-test-\(UUID().uuidString.prefix(8))"
        let systemd = try FakeSystemd(path: name)
        XCTAssertTrue(SystemdNotifier(environment: ["NOTIFY_SOCKET": name]).send("WATCHDOG=1"))
        XCTAssertEqual(systemd.receive(), "WATCHDOG=1")
    }

    func testWithoutSystemdNothingIsSentAndNothingFails() {
        let notifier = SystemdNotifier(environment: [:])
        XCTAssertNil(notifier.watchdogInterval)
        XCTAssertFalse(notifier.send("READY=1"))
        XCTAssertNil(SystemdNotifier(environment: ["WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"]).watchdogInterval,
                     "a watchdog meant for another process is ignored")
    }
}
