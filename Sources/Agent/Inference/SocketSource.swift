#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A Unix stream socket that local producers connect to, one at a time, and send length-prefixed frames on:
/// 4 bytes little-endian length, then the frame. Replies (outputs) go back on the same connection.
final class SocketSource: InputSource {
    private let path: String
    private let maxFrameBytes: Int
    private var listener: Int32 = -1
    private var client: Int32 = -1
    private var buffer: UnsafeMutableRawBufferPointer

    init(path: String, maxFrameBytes: Int) throws(InputError) {
        self.path = path
        self.maxFrameBytes = maxFrameBytes
        self.buffer = .allocate(byteCount: min(maxFrameBytes, 1 << 16), alignment: 16)
        unlink(path)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw Self.failure("cannot create a Unix socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() where index < raw.count - 1 { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(descriptor, 4) == 0 else {
            let error = Self.failure("cannot listen on \(path)")
            Glibc.close(descriptor)
            throw error
        }
        chmod(path, 0o660)
        listener = descriptor
    }

    deinit {
        close()
        buffer.deallocate()
    }

    func next(timeout: Duration, _ body: (UnsafeRawBufferPointer) -> Void) throws(InputError) -> Bool {
        let milliseconds = Int32(ConditionLock.nanoseconds(timeout) / 1_000_000)
        if client < 0 {
            guard wait(listener, milliseconds) else { return false }
            let accepted = accept(listener, nil, nil)
            guard accepted >= 0 else { return false }
            _ = fcntl(accepted, F_SETFD, FD_CLOEXEC)
            // A producer that stalls mid-frame must not stall the loop for long.
            var limit = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(accepted, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(accepted, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            client = accepted
            return false
        }
        guard wait(client, milliseconds) else { return false }
        var header: UInt32 = 0
        guard withUnsafeMutableBytes(of: &header, { readFully($0) }) else {
            dropClient()
            return false
        }
        let length = Int(UInt32(littleEndian: header))
        guard length <= maxFrameBytes else {
            dropClient()
            throw InputError(.frameSize, "a socket frame announced \(length) bytes, above input.maxFrameBytes \(maxFrameBytes)")
        }
        if length > buffer.count {
            // Grows once to the largest frame seen; steady state reuses it.
            buffer.deallocate()
            buffer = .allocate(byteCount: length, alignment: 16)
        }
        let frame = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length])
        guard readFully(frame) else {
            dropClient()
            return false
        }
        body(UnsafeRawBufferPointer(frame))
        return true
    }

    func reply(_ bytes: UnsafeRawBufferPointer) {
        guard client >= 0, let base = bytes.baseAddress else { return }
        var sent = 0
        while sent < bytes.count {
            let count = send(client, base + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                dropClient()
                return
            }
            sent += count
        }
    }

    var droppedFrames: UInt64 { 0 }

    func close() {
        dropClient()
        if listener >= 0 {
            Glibc.close(listener)
            listener = -1
            unlink(path)
        }
    }

    private func dropClient() {
        if client >= 0 {
            Glibc.close(client)
            client = -1
        }
    }

    private func wait(_ descriptor: Int32, _ milliseconds: Int32) -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, milliseconds) > 0
    }

    private func readFully(_ target: UnsafeMutableRawBufferPointer) -> Bool {
        var filled = 0
        while filled < target.count {
            let count = recv(client, target.baseAddress! + filled, target.count - filled, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            filled += count
        }
        return true
    }

    private static func failure(_ what: String) -> InputError {
        InputError(.unavailable, "\(what): \(String(cString: strerror(errno)))")
    }
}
