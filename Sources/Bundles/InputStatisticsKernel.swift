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
    ///
    /// Works on `u = byte ^ 0x80` for int8 (`q + 128`, so both types are unsigned bytes and saturation is
    /// `u == 0 || u == 255`). Saturation and energy are flat loops over the whole tensor with 32-bit
    /// accumulators per 32 KiB chunk (they vectorise); energy's pairs that straddle two rows are taken back out
    /// afterwards. Sums per channel: flat for one channel, an unrolled pixel loop for three, strided otherwise.
    public func compute(_ tensor: UnsafeRawBufferPointer, scratch: UnsafeMutableBufferPointer<Int64>,
                        into output: UnsafeMutableBufferPointer<Double>) {
        let channels = self.channels
        let count = rows &* width &* channels
        let flip: UInt8 = signed ? 0x80 : 0x00
        let chunk = 32_768
        var saturated = 0
        var energy = 0
        var start = 0
        while start < count {
            let end = Swift.min(start &+ chunk, count)
            var chunkSaturated: UInt32 = 0
            var chunkEnergy: UInt32 = 0
            for i in start..<end {
                let u = tensor[i] ^ flip
                chunkSaturated &+= (u == 0 || u == 255) ? 1 : 0
            }
            for i in Swift.max(start, channels)..<Swift.max(end, channels) {
                let difference = Int32(tensor[i] ^ flip) &- Int32(tensor[i &- channels] ^ flip)
                chunkEnergy &+= UInt32(bitPattern: difference < 0 ? 0 &- difference : difference)
            }
            saturated &+= Int(chunkSaturated)
            energy &+= Int(chunkEnergy)
            start = end
        }
        let rowLength = width &* channels
        for row in 1..<Swift.max(rows, 1) {
            for c in 0..<channels {
                let i = row &* rowLength &+ c
                energy &-= abs(Int(tensor[i] ^ flip) &- Int(tensor[i &- channels] ^ flip))
            }
        }

        for c in 0..<(2 * channels) { scratch[c] = 0 }
        if channels == 1 {
            start = 0
            while start < count {
                let end = Swift.min(start &+ chunk, count)
                var sum: UInt32 = 0, squares: UInt32 = 0
                for i in start..<end {
                    let u = UInt32(tensor[i] ^ flip)
                    sum &+= u
                    squares &+= u &* u
                }
                scratch[0] &+= Int64(sum)
                scratch[1] &+= Int64(squares)
                start = end
            }
        } else if channels == 3 {
            var s0 = 0, s1 = 0, s2 = 0, q0 = 0, q1 = 0, q2 = 0
            var i = 0
            while i < count {
                let a = Int(tensor[i] ^ flip), b = Int(tensor[i &+ 1] ^ flip), c = Int(tensor[i &+ 2] ^ flip)
                s0 &+= a; q0 &+= a &* a
                s1 &+= b; q1 &+= b &* b
                s2 &+= c; q2 &+= c &* c
                i &+= 3
            }
            scratch[0] = Int64(s0); scratch[1] = Int64(q0)
            scratch[2] = Int64(s1); scratch[3] = Int64(q1)
            scratch[4] = Int64(s2); scratch[5] = Int64(q2)
        } else {
            for c in 0..<channels {
                var sum = 0, squares = 0
                var i = c
                while i < count {
                    let u = Int(tensor[i] ^ flip)
                    sum &+= u
                    squares &+= u &* u
                    i &+= channels
                }
                scratch[2 &* c] = Int64(sum)
                scratch[2 &* c &+ 1] = Int64(squares)
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
        output[2 * channels] = Double(saturated) / Double(count)
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
