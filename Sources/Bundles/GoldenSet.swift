/// The golden cases of a bundle, as stored in its golden section.
public struct GoldenSet: Codable, Sendable, Equatable {
    public var cases: [GoldenCase]

    public init(cases: [GoldenCase]) { self.cases = cases }

    /// The section bytes: canonical JSON with base64 tensors.
    public func encoded() throws(BundleError) -> [UInt8] { try CanonicalJSON.encode(self, "the golden cases") }

    /// Decodes a golden section and checks the tensors against the manifest's schema.
    public static func decode(_ bytes: some Collection<UInt8>, inputs: [TensorSchema], outputs: [TensorSchema]) throws(BundleError) -> GoldenSet {
        let set = try CanonicalJSON.decode(GoldenSet.self, from: bytes, "the golden cases")
        try set.validate(inputs: inputs, outputs: outputs)
        return set
    }

    /// Checks that every case has one correctly sized buffer per tensor.
    public func validate(inputs: [TensorSchema], outputs: [TensorSchema]) throws(BundleError) {
        for golden in cases {
            guard golden.tolerance >= 0 else {
                throw BundleError(.invalidInput, "golden case '\(golden.name)': tolerance must not be negative")
            }
            for (kind, buffers, schemas) in [("input", golden.inputs, inputs), ("output", golden.outputs, outputs)] {
                guard buffers.count == schemas.count else {
                    throw BundleError(.invalidInput,
                        "golden case '\(golden.name)' has \(buffers.count) \(kind)s but the model has \(schemas.count)")
                }
                for (index, (buffer, schema)) in zip(buffers, schemas).enumerated() {
                    if let expected = schema.byteCount, expected != buffer.count {
                        throw BundleError(.invalidInput,
                            "golden case '\(golden.name)' \(kind) \(index) has \(buffer.count) bytes; tensor '\(schema.name)' needs \(expected)")
                    }
                }
            }
        }
    }
}
