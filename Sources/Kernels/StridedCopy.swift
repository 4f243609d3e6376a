// The data movement of STRIDED_SLICE, SLICE, TRANSPOSE, TILE, BROADCAST_TO, DEPTH_TO_SPACE, SPACE_TO_DEPTH, PACK,
// UNPACK, SPLIT and SPLIT_V: every output element is one input element, found by a start offset and one (possibly
// zero or negative) input stride per output dimension. The ops differ only in how prepare derives those strides,
// so one kernel serves them all, for any element size.

/// A strided view of an input copied, in order, into a dense output region.
public struct StridedCopy: Sendable, Equatable {
    /// The most dimensions a view may have (TILE doubles the rank: each dimension splits into repeats × extent).
    public static let maxRank = 8

    /// Output extents, extended with leading 1s to `maxRank`.
    public var outputDims: [Int]
    /// Input element stride per output dimension (0 broadcasts, negative walks backwards), same extension.
    public var inputStrides: [Int]
    /// First input element read.
    public var inputStart: Int
    /// First output element written (PACK writes each input into its own slice of the output).
    public var outputStart: Int
    /// Elements written.
    public var count: Int

    /// Validates that every input element read lies in `0..<inputCount` and every output written in `0..<outputCount`.
    public init(outputDims dims: [Int], inputStrides strides: [Int], inputStart: Int, outputStart: Int = 0,
                inputCount: Int, outputCount: Int) throws(KernelPreparationError) {
        guard dims.count == strides.count, dims.count <= Self.maxRank else {
            throw .unsupported("a view of \(dims.count) dimensions exceeds the \(Self.maxRank) supported")
        }
        guard dims.allSatisfy({ $0 >= 0 }) else { throw .incompatibleShapes("negative extent in \(dims)") }
        let lead = Self.maxRank - dims.count
        outputDims = [Int](repeating: 1, count: lead) + dims
        inputStrides = [Int](repeating: 0, count: lead) + strides
        self.inputStart = inputStart
        self.outputStart = outputStart
        var n = 1
        for d in dims {
            let (p, o) = n.multipliedReportingOverflow(by: d)
            guard !o, p <= Int(Int32.max) else { throw .incompatibleShapes("view \(dims) is too large") }
            n = p
        }
        count = n
        guard n > 0 else { return }
        // The lowest and highest input element the view touches.
        var low = inputStart, high = inputStart
        for (d, s) in zip(dims, strides) {
            let (span, o) = (d - 1).multipliedReportingOverflow(by: s)
            guard !o else { throw .incompatibleShapes("view strides overflow") }
            if span < 0 { low += span } else { high += span }
        }
        guard low >= 0, high < inputCount else {
            throw .incompatibleShapes("the view reads elements \(low)...\(high) of an input of \(inputCount)")
        }
        guard outputStart >= 0, outputStart + n <= outputCount else {
            throw .incompatibleShapes("the view writes elements \(outputStart)..<\(outputStart + n) of an output of \(outputCount)")
        }
    }
}

/// Copies the view `p` of `input` to `output + p.outputStart`. Elements are `T`; the buffers must not alias.
@inlinable
public func stridedCopy<T>(_ p: StridedCopy, input: UnsafePointer<T>, output: UnsafeMutablePointer<T>) {
    guard p.count > 0 else { return }
    let d = p.outputDims, s = p.inputStrides
    var out = output + p.outputStart
    let inner = d[7], innerStride = s[7]
    for i0 in 0..<d[0] {
        let o0 = p.inputStart + i0 * s[0]
        for i1 in 0..<d[1] {
            let o1 = o0 + i1 * s[1]
            for i2 in 0..<d[2] {
                let o2 = o1 + i2 * s[2]
                for i3 in 0..<d[3] {
                    let o3 = o2 + i3 * s[3]
                    for i4 in 0..<d[4] {
                        let o4 = o3 + i4 * s[4]
                        for i5 in 0..<d[5] {
                            let o5 = o4 + i5 * s[5]
                            for i6 in 0..<d[6] {
                                let row = input + (o5 + i6 * s[6])
                                if innerStride == 1 {
                                    out.update(from: row, count: inner)
                                } else {
                                    for i in 0..<inner { out[i] = row[i * innerStride] }
                                }
                                out += inner
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `stridedCopy` on raw bytes, for an element of `elementSize` bytes (1, 2, 4 or 8).
@inlinable
public func stridedCopy(_ p: StridedCopy, input: UnsafeRawPointer, output: UnsafeMutableRawPointer, elementSize: Int) {
    switch elementSize {
    case 1: stridedCopy(p, input: input.assumingMemoryBound(to: UInt8.self), output: output.assumingMemoryBound(to: UInt8.self))
    case 2: stridedCopy(p, input: input.assumingMemoryBound(to: UInt16.self), output: output.assumingMemoryBound(to: UInt16.self))
    case 4: stridedCopy(p, input: input.assumingMemoryBound(to: UInt32.self), output: output.assumingMemoryBound(to: UInt32.self))
    default: stridedCopy(p, input: input.assumingMemoryBound(to: UInt64.self), output: output.assumingMemoryBound(to: UInt64.self))
    }
}

/// Row-major element strides of a shape.
public func denseStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for d in shape.indices.reversed() {
        strides[d] = s
        s *= shape[d]
    }
    return strides
}
