#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The sd_notify protocol without libsystemd: one datagram per message to the socket in `NOTIFY_SOCKET`.
///
/// Does nothing when the agent does not run under systemd (no `NOTIFY_SOCKET`). Thread-safe: every send
/// opens, sends and closes its own socket.
public struct SystemdNotifier: Sendable {
    /// The socket path; a leading `@` names the abstract namespace.
    public let socketPath: String?
    /// How often systemd expects `WATCHDOG=1` (from `WATCHDOG_USEC`), if at all.
    public let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from the environment.
    public init(environment: [String: String]) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        if let text = environment["WATCHDOG_USEC"], let micros = Int64(text), micros > 0,
           environment["WATCHDOG_PID"].map({ Int32($0) == getpid() }) ?? true {
            watchdogInterval = .microseconds(micros)
        } else {
            watchdogInterval = nil
        }
    }

    /// The process environment.
    public static func fromProcessEnvironment() -> SystemdNotifier {
        var values: [String: String] = [:]
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] {
            if let value = getenv(name) { values[name] = String(cString: value) }
        }
        return SystemdNotifier(environment: values)
    }

    /// `READY=1`: start-up finished; systemd considers a Type=notify unit started from here.
    public func ready(status: String) { send("READY=1\nSTATUS=\(status)\nMAINPID=\(getpid())") }

    /// `WATCHDOG=1`: the service is alive; systemd restarts it when these stop for `WatchdogSec`.
    public func watchdog() { send("WATCHDOG=1") }

    /// `STATUS=…`: one line shown by `systemctl status`.
    public func status(_ text: String) { send("STATUS=\(text)") }

    /// `STOPPING=1`: a graceful shutdown began.
    public func stopping() { send("STOPPING=1\nSTATUS=stopping") }

    /// Sends one notification; returns false when there is no socket or sending failed (never fatal).
    @discardableResult
    public func send(_ message: String) -> Bool {
        guard let socketPath, !socketPath.isEmpty else { return false }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.enumerated() { raw[index] = byte }
        }
        // Abstract addresses are not NUL-terminated: the length says where they end.
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (path.first == 0 ? 0 : 1))
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress, length) }
            }
        }
        return sent == bytes.count
    }
}
