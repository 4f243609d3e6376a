// DYNAMIC_UPDATE_SLICE (dynamic_update_slice.cc): the output is the input with the update tensor written at start
// indices read at run time. Like the reference, each start index is clamped to 0…(input extent − update extent),
// so a hostile index can never write outside the output.

/// Geometry of DYNAMIC_UPDATE_SLICE, checked at prepare.
public struct DynamicUpdateSliceParameters: Sendable, Equatable {
    public var inputShape: [Int]
    public var updateShape: [Int]
    /// Dense element strides of the input (and output).
    public var inputStrides: [Int]
    /// Bytes per element.
    public var elementSize: Int
    public var inputCount: Int
    public var updateCount: Int

    /// Throws unless the update has the input's rank and no extent larger than the input's.
    public init(inputShape: [Int], updateShape: [Int], elementSize: Int) throws(KernelPreparationError) {
        guard inputShape.count == updateShape.count else {
            throw .incompatibleShapes("update \(updateShape) must have the rank of the input \(inputShape)")
        }
        for (i, u) in zip(inputShape, updateShape) where u < 0 || u > i {
            throw .incompatibleShapes("update \(updateShape) does not fit in the input \(inputShape)")
        }
        self.inputShape = inputShape
        self.updateShape = updateShape
        self.inputStrides = denseStrides(inputShape)
        self.elementSize = elementSize
        self.inputCount = inputShape.reduce(1, *)
        self.updateCount = updateShape.reduce(1, *)
    }
}

/// Copies `input` to `output` (unless they are the same buffer) and writes `update` at the clamped `indices` (one per
/// dimension, int32 or int64).
@inlinable
public func dynamicUpdateSlice<I: BinaryInteger>(_ p: DynamicUpdateSliceParameters, input: UnsafeRawPointer, update: UnsafeRawPointer,
                                                 indices: UnsafePointer<I>, output: UnsafeMutableRawPointer) {
    let size = p.elementSize
    if UnsafeRawPointer(output) != input {
        output.copyMemory(from: input, byteCount: p.inputCount * size)
    }
    guard p.updateCount > 0 else { return }
    let rank = p.inputShape.count
    guard rank > 0 else {
        output.copyMemory(from: update, byteCount: size)
        return
    }
    var base = 0
    for d in 0..<rank {
        let limit = p.inputShape[d] - p.updateShape[d]
        let start = Swift.min(Swift.max(0, Int(truncatingIfNeeded: indices[d])), limit)
        base += start * p.inputStrides[d]
    }
    let rowLength = p.updateShape[rank - 1]
    let rows = p.updateCount / rowLength
    withUnsafeTemporaryAllocation(of: Int.self, capacity: rank) { index in
        index.initialize(repeating: 0)
        for row in 0..<rows {
            var offset = base
            for d in 0..<(rank - 1) { offset += index[d] * p.inputStrides[d] }
            (output + offset * size).copyMemory(from: update + row * rowLength * size, byteCount: rowLength * size)
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                if index[d] < p.updateShape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
    }
}
