// GATHER (gather.cc, reference Gather, batch_dims 0) and GATHER_ND (reference GatherNd): indices come from a
// tensor at run time, so every index is checked at eval. TFLite fails the invoke on an out-of-range index; a kernel
// here cannot fail mid-graph, so such a slice is filled with zero bytes instead of reading outside the input.

/// Geometry of GATHER: params viewed as outer × axisSize × inner; `indexCount` indices pick along the axis.
public struct GatherParameters: Sendable, Equatable {
    public var outer: Int
    public var axisSize: Int
    public var inner: Int
    public var indexCount: Int

    public init(outer: Int, axisSize: Int, inner: Int, indexCount: Int) {
        self.outer = outer
        self.axisSize = axisSize
        self.inner = inner
        self.indexCount = indexCount
    }
}

/// GATHER: `output[o][i][:] = params[o][indices[i]][:]` (zeros for an index outside `0..<axisSize`).
@inlinable
public func gather<T, I: BinaryInteger>(_ p: GatherParameters, params: UnsafePointer<T>, indices: UnsafePointer<I>,
                                        output: UnsafeMutableRawPointer) {
    let out = output.assumingMemoryBound(to: T.self)
    let rowBytes = p.inner * MemoryLayout<T>.stride
    for o in 0..<p.outer {
        for i in 0..<p.indexCount {
            let dst = out + (o * p.indexCount + i) * p.inner
            let index = Int(truncatingIfNeeded: indices[i])
            if index >= 0 && index < p.axisSize {
                dst.update(from: params + (o * p.axisSize + index) * p.inner, count: p.inner)
            } else {
                UnsafeMutableRawPointer(dst).initializeMemory(as: UInt8.self, repeating: 0, count: rowBytes)
            }
        }
    }
}

/// Geometry of GATHER_ND: `sliceCount` index tuples of `depth` coordinates, each picking a slice of `sliceSize`.
public struct GatherNDParameters: Sendable, Equatable {
    public var paramsShape: [Int]
    public var depth: Int
    public var sliceCount: Int
    public var sliceSize: Int

    public init(paramsShape: [Int], depth: Int, sliceCount: Int) {
        self.paramsShape = paramsShape
        self.depth = depth
        self.sliceCount = sliceCount
        sliceSize = paramsShape[depth...].reduce(1, *)
    }
}

/// GATHER_ND: slice k of the output is params at the coordinates `indices[k*depth ..< (k+1)*depth]`
/// (zeros when a coordinate is out of range).
@inlinable
public func gatherND<T, I: BinaryInteger>(_ p: GatherNDParameters, params: UnsafePointer<T>, indices: UnsafePointer<I>,
                                          output: UnsafeMutablePointer<T>) {
    for k in 0..<p.sliceCount {
        var offset = 0
        var valid = true
        for d in 0..<p.depth {
            let c = Int(truncatingIfNeeded: indices[k * p.depth + d])
            let extent = p.paramsShape[d]
            if c < 0 || c >= extent { valid = false }
            offset = offset * extent + c
        }
        let dst = output + k * p.sliceSize
        if valid {
            dst.update(from: params + offset * p.sliceSize, count: p.sliceSize)
        } else {
            UnsafeMutableRawPointer(dst).initializeMemory(as: UInt8.self, repeating: 0, count: p.sliceSize * MemoryLayout<T>.stride)
        }
    }
}
