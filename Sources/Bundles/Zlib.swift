// Implementation-only: without library evolution, an `internal import` of a system-library module is still loaded by
// every client of Bundles, which would then all need CZlib's module map. No CZlib type appears in any stored layout.
@_implementationOnly import CZlib

/// zlib compression and bounded decompression, the only user of the CZlib module.
public enum Zlib {
    /// Nothing inflates beyond this, whatever a manifest declares: the largest board has a few GB.
    public static let maximumInflatedBytes = 512 * 1024 * 1024

    /// Compresses `bytes` into a zlib stream (RFC 1950) at the best compression level.
    public static func compress(_ bytes: [UInt8]) throws(BundleError) -> [UInt8] {
        var stream = z_stream()
        try check(deflateInit_(&stream, Z_BEST_COMPRESSION, zlibVersion(), Int32(MemoryLayout<z_stream>.size)), "deflateInit")
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(bytes.count)))
        var output = [UInt8](repeating: 0, count: bound)
        var status = ZlibStatus.ok
        var produced = 0
        bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                let rc = deflate(&stream, Z_FINISH)
                status = (try? check(rc, "deflate")) ?? .failed(rc)
                produced = out.count - Int(stream.avail_out)
            }
        }
        guard status == .streamEnd else {
            throw BundleError(.compression, "zlib deflate did not finish (\(status)); the input may be too large")
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Inflates a zlib stream that must produce exactly `expectedLength` bytes and end there.
    ///
    /// The output buffer is never grown: a stream that would produce more than declared is a
    /// zip bomb or a forgery and is refused as soon as the first extra byte appears.
    public static func inflate(_ compressed: [UInt8], expectedLength: Int) throws(BundleError) -> [UInt8] {
        guard expectedLength >= 0, expectedLength <= maximumInflatedBytes else {
            throw BundleError(.oversizedPayload,
                "declared payload size \(expectedLength) bytes exceeds the global cap of \(maximumInflatedBytes) bytes")
        }
        guard compressed.count <= Int(UInt32.max) else {
            throw BundleError(.oversizedPayload, "compressed payload of \(compressed.count) bytes exceeds zlib's 4 GiB input limit")
        }
        var stream = z_stream()
        try check(inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)), "inflateInit")
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: expectedLength)
        var overflowProbe: UInt8 = 0
        var result: Result<(status: ZlibStatus, produced: Int, overflowed: Bool, unconsumed: Int), BundleError> =
            .failure(BundleError(.compression, "inflate did not run"))
        compressed.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                do throws(BundleError) {
                    var status = try check(CZlib.inflate(&stream, Z_FINISH), "inflate")
                    let produced = out.count - Int(stream.avail_out)
                    var overflowed = false
                    if status != .streamEnd && stream.avail_out == 0 {
                        // The declared size is used up but the stream goes on: see whether it yields more.
                        withUnsafeMutablePointer(to: &overflowProbe) { probe in
                            stream.next_out = probe
                            stream.avail_out = 1
                        }
                        status = try check(CZlib.inflate(&stream, Z_NO_FLUSH), "inflate")
                        overflowed = stream.avail_out == 0
                    }
                    result = .success((status, produced, overflowed, Int(stream.avail_in)))
                } catch {
                    result = .failure(error)
                }
            }
        }
        let outcome = try result.get()
        if outcome.overflowed {
            throw BundleError(.oversizedPayload,
                "payload inflates beyond its declared \(expectedLength) bytes (possible zip bomb); refused")
        }
        guard outcome.status == .streamEnd else {
            throw BundleError(.tamperedPayload,
                "payload zlib stream ends early after \(outcome.produced) of \(expectedLength) bytes")
        }
        guard outcome.produced == expectedLength else {
            throw BundleError(.tamperedPayload,
                "payload inflates to \(outcome.produced) bytes but the manifest declares \(expectedLength)")
        }
        guard outcome.unconsumed == 0 else {
            throw BundleError(.tamperedPayload, "\(outcome.unconsumed) bytes follow the end of the payload's zlib stream")
        }
        return output
    }

    /// What a zlib call reported, once failures have become errors.
    enum ZlibStatus: Equatable, CustomStringConvertible {
        case ok, streamEnd, needsMoreSpaceOrInput, failed(Int32)

        var description: String {
            switch self {
            case .ok: "Z_OK"
            case .streamEnd: "Z_STREAM_END"
            case .needsMoreSpaceOrInput: "Z_BUF_ERROR"
            case .failed(let rc): "zlib error \(rc)"
            }
        }
    }

    /// Turns every zlib return code into a status or a Swift error, in one place.
    @discardableResult
    static func check(_ rc: Int32, _ operation: String) throws(BundleError) -> ZlibStatus {
        switch rc {
        case Z_OK: return .ok
        case Z_STREAM_END: return .streamEnd
        // Not fatal: inflate or deflate ran out of output space or input; the caller decides.
        case Z_BUF_ERROR: return .needsMoreSpaceOrInput
        case Z_DATA_ERROR:
            throw BundleError(.tamperedPayload, "\(operation): the zlib stream is corrupt (Z_DATA_ERROR)")
        case Z_NEED_DICT:
            throw BundleError(.tamperedPayload, "\(operation): the zlib stream asks for a preset dictionary, which bundles never use")
        case Z_MEM_ERROR:
            throw BundleError(.compression, "\(operation): zlib ran out of memory (Z_MEM_ERROR)")
        case Z_STREAM_ERROR:
            throw BundleError(.compression, "\(operation): zlib stream state is inconsistent (Z_STREAM_ERROR)")
        case Z_VERSION_ERROR:
            throw BundleError(.compression, "\(operation): the system zlib is incompatible with the headers built against (Z_VERSION_ERROR)")
        default:
            throw BundleError(.compression, "\(operation): unexpected zlib return code \(rc)")
        }
    }
}
