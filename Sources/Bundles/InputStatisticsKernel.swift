/// Computes the input statistics of one quantised tensor: per-channel mean and standard deviation, the fraction
/// of saturated values, and the energy (mean absolute difference of horizontally adjacent values).
///
/// The one definition shared by `edgectl bundle build` (baseline) and the agent (live inputs), so both sides
/// bin the same numbers. Layout: NHWC for rank ≥ 3 (channels = last dimension, a row = the next-to-last
/// dimension), otherwise one channel and one row. Values are dequantised (`scale × (q − zeroPoint)`);
/// saturated means the storage type's minimum or maximum (−128/127 for int8, 0/255 for uint8).
/// Sums are exact integers, so ``compute(_:scratch:into:)`` is deterministic and allocates nothing.
public struct InputStatisticsKernel: Sendable {
    public let channels: Int
    /// Positions per row (the next-to-last dimension for rank ≥ 3).
    public let width: Int
    public let rows: Int
    private let signed: Bool
    private let scale: Double
    private let zeroPoint: Int

    /// Numbers ``compute(_:scratch:into:)`` writes: a mean and a standard deviation per channel, saturation, energy.
    public var statisticCount: Int { 2 * channels + 2 }
    /// `Int64` scratch ``compute(_:scratch:into:)`` needs: a sum and a sum of squares per channel.
    public var scratchCount: Int { 2 * channels }
    /// Bytes of the tensor.
    public var byteCount: Int { rows * width * channels }

    /// Throws for tensors that are not int8/uint8 or have no elements.
    public init(shape: [Int], dtype: String, scale: Float, zeroPoint: Int32) throws(BundleError) {
        let type = dtype.lowercased()
        guard type == "int8" || type == "uint8" else {
            throw BundleError(.invalidInput, "input statistics need an int8 or uint8 input tensor, this one is \(dtype)")
        }
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else {
            throw BundleError(.invalidInput, "input statistics need a tensor with a known, non-empty shape, not \(shape)")
        }
        let elements = shape.reduce(1, *)
        if shape.count >= 3 {
            channels = shape[shape.count - 1]
            width = shape[shape.count - 2]
        } else {
            channels = 1
            width = elements
        }
        rows = elements / (channels * width)
        signed = type == "int8"
        self.scale = scale > 0 ? Double(scale) : 1
        self.zeroPoint = scale > 0 ? Int(zeroPoint) : 0
    }

    /// Statistic names in output order, as sent in telemetry.
    public static func statisticNames(channels: Int) -> [String] {
        (0..<channels).flatMap { ["input.c\($0).mean", "input.c\($0).std"] } + ["input.saturated", "input.energy"]
    }

    /// Writes ``statisticCount`` numbers for `tensor` (``byteCount`` bytes) into `output`; no allocation.
    public func compute(_ tensor: UnsafeRawBufferPointer, scratch: UnsafeMutableBufferPointer<Int64>,
                        into output: UnsafeMutableBufferPointer<Double>) {
        let channels = self.channels, width = self.width
        let low: UInt8 = signed ? 0x80 : 0x00
        let high: UInt8 = signed ? 0x7F : 0xFF
        let flip: UInt8 = signed ? 0x80 : 0x00
        for c in 0..<(2 * channels) { scratch[c] = 0 }
        var saturated = 0
        var energy = 0
        let rowLength = width &* channels
        // q + 128 for int8 (bias removed below) keeps the inner loop on unsigned bytes, one code path for both types.
        for row in 0..<rows {
            let start = row &* rowLength
            for c in 0..<channels {
                var sum = 0, squares = 0
                var previous = Int(tensor[start &+ c] ^ flip)
                var index = start &+ c
                for _ in 0..<width {
                    let byte = tensor[index]
                    let q = Int(byte ^ flip)
                    sum &+= q
                    squares &+= q &* q
                    saturated &+= (byte == low || byte == high) ? 1 : 0
                    energy &+= abs(q &- previous)
                    previous = q
                    index &+= channels
                }
                scratch[2 &* c] &+= Int64(sum)
                scratch[2 &* c &+ 1] &+= Int64(squares)
            }
        }
        let perChannel = Double(rows * width)
        let bias = signed ? 128.0 : 0.0
        for c in 0..<channels {
            let mean = Double(scratch[2 * c]) / perChannel
            let variance = Swift.max(Double(scratch[2 * c + 1]) / perChannel - mean * mean, 0)
            output[2 * c] = scale * (mean - bias - Double(zeroPoint))
            output[2 * c + 1] = scale * variance.squareRoot()
        }
        output[2 * channels] = Double(saturated) / Double(rows * width * channels)
        let pairs = rows * (width - 1) * channels
        output[2 * channels + 1] = pairs > 0 ? scale * Double(energy) / Double(pairs) : 0
    }

    /// The statistics of one tensor, allocating (for the bundle builder).
    public func compute(_ tensor: [UInt8]) -> [Double] {
        var output = [Double](repeating: 0, count: statisticCount)
        var scratch = [Int64](repeating: 0, count: scratchCount)
        tensor.withUnsafeBytes { bytes in
            scratch.withUnsafeMutableBufferPointer { scratch in
                output.withUnsafeMutableBufferPointer { compute(bytes, scratch: scratch, into: $0) }
            }
        }
        return output
    }
}
