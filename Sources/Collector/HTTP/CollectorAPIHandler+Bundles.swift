import CollectorAPI
import OpenAPIRuntime

extension CollectorAPIHandler {
    func registerBundle(_ input: Operations.RegisterBundle.Input) async throws -> Operations.RegisterBundle.Output {
        let body: HTTPBody
        switch input.body {
        case .binary(let binary), .any(let binary): body = binary
        }
        let bytes: [UInt8]
        do { bytes = try await [UInt8](collecting: body, upTo: maximumUploadBytes) } catch {
            throw CollectorError(.payloadTooLarge, "the bundle is larger than http.maximumUploadBytes (\(maximumUploadBytes) bytes)")
        }
        guard !bytes.isEmpty else { throw CollectorError(.invalidRequest, "the request body must be the bundle file (.efb)") }
        let version = try await registry.register(bundle: bytes, createdBy: try APIIdentity.name(), source: input.query.source ?? "api-upload")
        return .created(.init(body: .json(try APIBridge.convert(version))))
    }

    /// The bundle file, whole or one `Range: bytes=a-b`, so an interrupted HTTP download can resume.
    func downloadBundle(_ input: Operations.DownloadBundle.Input) async throws -> Operations.DownloadBundle.Output {
        let digest = input.path.digest
        try APIValidation.digest(digest)
        guard let size = registry.repository.size(of: digest) else { throw CollectorError(.notFound, "bundle \(digest) is not stored") }
        let eTag = "\"\(digest)\""
        if let range = input.headers.range {
            guard let (start, end) = Self.parseRange(range, size: size) else {
                return .rangeNotSatisfiable(.init(headers: .init(contentRange: "bytes */\(size)")))
            }
            let bytes = try registry.repository.read(digest, offset: start, length: end - start + 1)
            return .partialContent(.init(headers: .init(eTag: eTag, contentRange: "bytes \(start)-\(end)/\(size)"), body: .binary(HTTPBody(bytes))))
        }
        let bytes = try registry.repository.read(digest)
        return .ok(.init(headers: .init(eTag: eTag, acceptRanges: "bytes"), body: .binary(HTTPBody(bytes))))
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
        guard let start = Int(first), start >= 0, start < size else { return nil }
        let end = last.isEmpty ? size - 1 : min(Int(last) ?? -1, size - 1)
        return end >= start ? (start, end) : nil
    }
}
