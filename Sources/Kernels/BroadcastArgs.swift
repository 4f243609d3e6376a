// BROADCAST_ARGS (broadcast_args.cc, reference broadcast_args.h): the broadcast shape of two shape vectors, aligned
// from the right, a missing extent counting as 1. Each extent passes through a C `int` in the reference, so int64
// extents are truncated to 32 bits, as here. Incompatible extents abort the reference process (TFLITE_CHECK_EQ); a
// kernel here cannot fail mid-graph, so it writes the first shape's extent, the value the reference writes after
// its check.

/// BROADCAST_ARGS of `shape1` (`count1` extents) and `shape2` (`count2`) into `output` (max(count1, count2)).
@inlinable
public func broadcastArgs<T: FixedWidthInteger>(shape1: UnsafePointer<T>, count1: Int, shape2: UnsafePointer<T>, count2: Int,
                                                output: UnsafeMutablePointer<T>) {
    let n = Swift.max(count1, count2)
    for i in 0..<n {
        let a = count1 - 1 - i >= 0 ? Int32(truncatingIfNeeded: shape1[count1 - 1 - i]) : 1
        let b = count2 - 1 - i >= 0 ? Int32(truncatingIfNeeded: shape2[count2 - 1 - i]) : 1
        output[n - 1 - i] = T(truncatingIfNeeded: a == 1 ? b : a)
    }
}
