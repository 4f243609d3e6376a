// The float vector routines of LiteRT's tensor_utils as its x86 build runs them. tensor_utils maps them to the NEON
// implementations (neon_tensor_utils.cc), which x86 compiles through the NEON_2_SSE translation: 4-lane
// accumulators over the whole groups of four (vmlaq_f32 is a multiply then an add, never fused), the lanes summed
// as ((l0 + l1) + l2) + l3 (AccumulateNeonLane off aarch64), then the remaining elements one by one. Established
// against LiteRT 2.3.0's reference resolver on the SVDF fixtures (a sequential sum and Eigen's GEMV order both
// differ from it on some outputs).

/// LiteRT's float dot products and reductions in its summation order.
public enum NeonOrderFloat {
    /// NeonVectorVectorDotProduct: Σ a[i]·b[i].
    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var l0: Float = 0, l1: Float = 0, l2: Float = 0, l3: Float = 0
        let body = count & ~3
        var i = 0
        while i < body {
            l0 = l0 + a[i] * b[i]
            l1 = l1 + a[i + 1] * b[i + 1]
            l2 = l2 + a[i + 2] * b[i + 2]
            l3 = l3 + a[i + 3] * b[i + 3]
            i += 4
        }
        var result = ((l0 + l1) + l2) + l3
        while i < count {
            result = result + a[i] * b[i]
            i += 1
        }
        return result
    }

    /// One row of NeonMatrixBatchVectorMultiplyAccumulate: `accumulator` plus the lane sum of row·vector, then
    /// plus each remaining product in turn.
    @inlinable
    public static func accumulateRow(_ accumulator: Float, _ row: UnsafePointer<Float>, _ vector: UnsafePointer<Float>,
                                     count: Int) -> Float {
        var l0: Float = 0, l1: Float = 0, l2: Float = 0, l3: Float = 0
        let body = count & ~3
        var i = 0
        while i < body {
            l0 = l0 + row[i] * vector[i]
            l1 = l1 + row[i + 1] * vector[i + 1]
            l2 = l2 + row[i + 2] * vector[i + 2]
            l3 = l3 + row[i + 3] * vector[i + 3]
            i += 4
        }
        var result = accumulator + (((l0 + l1) + l2) + l3)
        while i < count {
            result = result + row[i] * vector[i]
            i += 1
        }
        return result
    }

    /// NeonReductionSumVector for one output: Σ values[i].
    @inlinable
    public static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var l0: Float = 0, l1: Float = 0, l2: Float = 0, l3: Float = 0
        let body = count & ~3
        var i = 0
        while i < body {
            l0 = l0 + values[i]
            l1 = l1 + values[i + 1]
            l2 = l2 + values[i + 2]
            l3 = l3 + values[i + 3]
            i += 4
        }
        var result = ((l0 + l1) + l2) + l3
        while i < count {
            result = result + values[i]
            i += 1
        }
        return result
    }
}
