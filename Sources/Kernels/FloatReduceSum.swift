/// Float32 SUM over some axes in the order of LiteRT's `reference_ops::ReduceGeneric` (reduce.cc with the reference
/// kernel): the output starts at 0 and every input element, in row-major order, is added to its output element.
///
/// `outputIndex[i]` is the output element input element `i` adds to (the input's index with the reduced axes
/// dropped), computed once at prepare by ``reductionIndexMap(inputShape:axes:)``.
@inlinable
public func floatReduceSum(input: UnsafePointer<Float>, outputIndex: UnsafePointer<Int32>, inputCount: Int,
                           output: UnsafeMutablePointer<Float>, outputCount: Int) {
    output.update(repeating: 0, count: outputCount)
    for i in 0..<inputCount {
        let o = Int(outputIndex[i])
        output[o] = input[i] + output[o]
    }
}

/// For every element of a tensor of `inputShape` in row-major order, the index of the element it reduces into
/// when `axes` are reduced (kept as size-1 or dropped: the flat index is the same).
public func reductionIndexMap(inputShape: [Int], axes: [Int]) -> [Int32] {
    let count = inputShape.reduce(1, *)
    var map = [Int32](repeating: 0, count: count)
    guard count > 0 else { return map }
    // Output strides over the kept axes; reduced axes contribute nothing.
    var strides = [Int](repeating: 0, count: inputShape.count)
    var stride = 1
    for axis in inputShape.indices.reversed() where !axes.contains(axis) {
        strides[axis] = stride
        stride *= inputShape[axis]
    }
    var coordinate = [Int](repeating: 0, count: inputShape.count)
    var index = 0
    for i in 0..<count {
        map[i] = Int32(truncatingIfNeeded: index)
        // Advance the row-major counter, keeping the output index in step.
        var axis = inputShape.count - 1
        while axis >= 0 {
            coordinate[axis] += 1
            index += strides[axis]
            if coordinate[axis] < inputShape[axis] { break }
            index -= strides[axis] * coordinate[axis]
            coordinate[axis] = 0
            axis -= 1
        }
    }
    return map
}
