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
    /// `Int64` scratch ``compute(_:scratch:into:)`` needs: a sum and a sum of squares per channel, and the
    /// 32-bit lane accumulators (16 per channel, sums and squares) for 2…``laneChannels`` channels.
    public var scratchCount: Int { 2 * channels + (channels > 1 && channels <= Self.laneChannels ? 16 * channels : 0) }
    /// Inputs with up to this many channels sum through interleaved lanes (vectorised).
    static let laneChannels = 8
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
    /// afterwards. Sums per channel: flat for one channel, interleaved 32-bit lanes for up to eight, strided beyond.
    public func compute(_ tensor: UnsafeRawBufferPointer, scratch: UnsafeMutableBufferPointer<Int64>,
                        into output: UnsafeMutableBufferPointer<Double>) {
        let channels = self.channels
        let count = rows &* width &* channels
        guard count > 0, let p = tensor.baseAddress, tensor.count >= count else { return }
        let flip: UInt8 = signed ? 0x80 : 0x00
        // Raw loads through the base address: no per-element checks, so the flat loops vectorise.
        @inline(__always) func u(_ i: Int) -> UInt8 { p.load(fromByteOffset: i, as: UInt8.self) ^ flip }
        let chunk = 32_768
        var saturated = 0
        var energy = 0
        var start = 0
        while start < count {
            let length = Swift.min(chunk, count &- start)
            var chunkSaturated: UInt32 = 0
            var chunkEnergy: UInt32 = 0
            var i = start
            let end = start &+ length
            while i < end {
                // u == 0 or u == 255 as one unsigned compare (no branch).
                chunkSaturated &+= u(i) &+ 1 < 2 ? 1 : 0
                i &+= 1
            }
            i = Swift.max(start, channels)
            while i < end {
                let difference = Int32(u(i)) &- Int32(u(i &- channels))
                chunkEnergy &+= UInt32(bitPattern: difference < 0 ? 0 &- difference : difference)
                i &+= 1
            }
            saturated &+= Int(chunkSaturated)
            energy &+= Int(chunkEnergy)
            start = end
        }
        let rowLength = width &* channels
        for row in 1..<Swift.max(rows, 1) {
            for c in 0..<channels {
                let i = row &* rowLength &+ c
                energy &-= abs(Int(u(i)) &- Int(u(i &- channels)))
            }
        }

        for c in 0..<(2 * channels) { scratch[c] = 0 }
        if channels == 1 {
            start = 0
            while start < count {
                let end = start &+ Swift.min(chunk, count &- start)
                var sum: UInt32 = 0, squares: UInt32 = 0
                var i = start
                while i < end {
                    let value = UInt32(u(i))
                    sum &+= value
                    squares &+= value &* value
                    i &+= 1
                }
                scratch[0] &+= Int64(sum)
                scratch[1] &+= Int64(squares)
                start = end
            }
        } else if channels <= Self.laneChannels {
            // 16 lanes per channel, interleaved as the pixels are: lane j always holds channel j % channels, so the
            // inner loop is a plain contiguous add that vectorises; lanes fold into the channels per chunk.
            let lanes = 16 &* channels
            let blocks = count / lanes
            (scratch.baseAddress! + 2 &* channels).withMemoryRebound(to: UInt32.self, capacity: 2 &* lanes) { sums in
                let squares = sums + lanes
                var block = 0
                while block < blocks {
                    sums.update(repeating: 0, count: 2 &* lanes)
                    // 65,536 blocks keep each 32-bit lane below 65,536 × 255² < 2³².
                    let chunkEnd = Swift.min(block &+ 65_536, blocks)
                    while block < chunkEnd {
                        let base = block &* lanes
                        for j in 0..<lanes {
                            let value = UInt32(u(base &+ j))
                            sums[j] &+= value
                            squares[j] &+= value &* value
                        }
                        block &+= 1
                    }
                    for j in 0..<lanes {
                        let c = j % channels
                        scratch[2 &* c] &+= Int64(sums[j])
                        scratch[2 &* c &+ 1] &+= Int64(squares[j])
                    }
                }
            }
            var i = blocks &* lanes
            var c = 0
            while i < count {
                let value = Int64(u(i))
                scratch[2 &* c] &+= value
                scratch[2 &* c &+ 1] &+= value &* value
                i &+= 1
                c = c &+ 1 == channels ? 0 : c &+ 1
            }
        } else {
            for c in 0..<channels {
                var sum = 0, squares = 0
                var i = c
                while i < count {
                    let value = Int(u(i))
                    sum &+= value
                    squares &+= value &* value
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
