import Bundles
import FleetSupport

/// One training input in the collector's content-addressed store: its tensor bytes, the label it carries and
/// where it came from.
///
/// The identity (`hash`) is the SHA-256 of ``canonicalBytes``: the element type, the shape, the column names and
/// the raw little-endian tensor bytes. The label and the provenance are not part of it, so the same input
/// captured twice, or imported and captured, is stored once.
public struct DatasetSample: Codable, Sendable, Equatable {
    /// Lower-case hex SHA-256 of ``canonicalBytes``.
    public var hash: String
    /// The model the sample is for (its input layout).
    public var model: String
    /// `float32` (CSV imports: raw feature values) or `int8` / `uint8` (captures: the quantised tensor the device fed).
    public var dtype: String
    public var shape: [Int]
    /// Feature names of the columns (CSV header); `x0`, `x1`, … for captures.
    public var columns: [String]
    /// The raw tensor bytes, little-endian.
    public var bytes: [UInt8]
    /// The label (a class name; captures carry the class index as text); nil while unlabelled.
    public var label: String?
    /// `import` or `capture`.
    public var source: String
    /// The capturing device, nil for imports.
    public var deviceID: String?
    /// When it was captured or imported (ms since 1970).
    public var capturedAt: Int64
    /// For int8 captures: the input's quantisation (real = scale × (q − zeroPoint)), when the bundle is known.
    public var scale: Double?
    public var zeroPoint: Int?

    public init(model: String, dtype: String, shape: [Int], columns: [String], bytes: [UInt8], label: String?, source: String,
                deviceID: String? = nil, capturedAt: Int64, scale: Double? = nil, zeroPoint: Int? = nil) {
        self.model = model
        self.dtype = dtype
        self.shape = shape
        self.columns = columns
        self.bytes = bytes
        self.label = label
        self.source = source
        self.deviceID = deviceID
        self.capturedAt = capturedAt
        self.scale = scale
        self.zeroPoint = zeroPoint
        hash = Digest.sha256Hex(Self.canonicalBytes(dtype: dtype, shape: shape, columns: columns, bytes: bytes))
    }

    /// `edgefleet.sample.v1`, dtype, shape and columns as text lines, then the tensor bytes.
    public static func canonicalBytes(dtype: String, shape: [Int], columns: [String], bytes: [UInt8]) -> [UInt8] {
        var header = "edgefleet.sample.v1\n\(dtype)\n\(shape.map(String.init).joined(separator: ","))\n"
        header += columns.joined(separator: ",") + "\n"
        return Array(header.utf8) + bytes
    }

    /// The feature values as real numbers: float32 as stored, integers dequantised when the scale is known.
    public var values: [Float] {
        switch dtype {
        case "float32":
            // One statement per byte: Swift 6.2's type checker (the aarch64 toolchain) gives up on the one-expression form.
            return stride(from: 0, to: bytes.count - bytes.count % 4, by: 4).map { (i: Int) -> Float in
                var bits = UInt32(bytes[i])
                bits |= UInt32(bytes[i + 1]) << 8
                bits |= UInt32(bytes[i + 2]) << 16
                bits |= UInt32(bytes[i + 3]) << 24
                return Float(bitPattern: bits)
            }
        case "int8":
            return bytes.map { byte in
                let q = Int(Int8(bitPattern: byte))
                return scale.map { Float($0 * Double(q - (zeroPoint ?? 0))) } ?? Float(q)
            }
        default:
            return bytes.map { byte in scale.map { Float($0 * Double(Int(byte) - (zeroPoint ?? 0))) } ?? Float(byte) }
        }
    }

    /// Little-endian float32 bytes of `values`.
    public static func float32Bytes(_ values: some Collection<Float>) -> [UInt8] {
        Float32Bytes.littleEndian(values)
    }
}
