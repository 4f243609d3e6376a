import FleetProtocol
import HTTPTypes
import Hummingbird

extension APIRoutes {
    func registerBundles(on api: RouterGroup<CollectorRequestContext>) {
        api.post("bundles") { request, context in
            let token = try context.require(.admin)
            var request = request
            let buffer: ByteBuffer
            do { buffer = try await request.collectBody(upTo: self.maximumUploadBytes) } catch {
                throw CollectorError(.payloadTooLarge, "the bundle is larger than http.maximumUploadBytes (\(self.maximumUploadBytes) bytes)")
            }
            guard buffer.readableBytes > 0 else { throw CollectorError(.invalidRequest, "the request body must be the bundle file (.efb)") }
            let version = try await self.registry.register(bundle: Array(buffer.readableBytesView), createdBy: token.name,
                                                           source: request.query("source") ?? "api-upload")
            return try JSONResponse.make(version, status: .created)
        }
        api.get("bundles/:digest") { request, context in
            _ = try context.require(.read)
            return try self.download(digest: try context.parameters.require("digest"), request: request)
        }
    }

    /// The bundle file, whole or one `Range: bytes=a-b`, so an interrupted HTTP download can resume.
    func download(digest: String, request: Request) throws -> Response {
        do { try FleetProtocol.validateDigest(digest) } catch { throw CollectorError(.invalidRequest, error.message) }
        guard let size = registry.repository.size(of: digest) else { throw CollectorError(.notFound, "bundle \(digest) is not stored") }
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[.eTag] = "\"\(digest)\""
        headers[.acceptRanges] = "bytes"
        if let range = request.headers[.range] {
            guard let (start, end) = Self.parseRange(range, size: size) else {
                headers[.contentRange] = "bytes */\(size)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
            let bytes = try registry.repository.read(digest, offset: start, length: end - start + 1)
            headers[.contentRange] = "bytes \(start)-\(end)/\(size)"
            return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        let bytes = try registry.repository.read(digest)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `bytes=a-b`, `bytes=a-` or `bytes=-n`; nil when unsatisfiable or not a single byte range.
    static func parseRange(_ header: String, size: Int) -> (Int, Int)? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let suffix = Int(last), suffix > 0 else { return nil }
            return (max(0, size - suffix), size - 1)
        }
        guard let start = Int(first), start < size else { return nil }
        let end = last.isEmpty ? size - 1 : min(Int(last) ?? -1, size - 1)
        return end >= start ? (start, end) : nil
    }
}
