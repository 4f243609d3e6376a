// The summation order of `eigen_lhs * eigen_rhs` in LiteRT 2.3's cpu_backend_gemm_eigen.cc (x86, SSE, no FMA), which
// a float LSTM runs when it multiplies several batches at once (time-major with n_batch > 1:
// lstm_eval.cc MatrixBatchVectorMultiplyAccumulate → optimized_ops::FullyConnected → GemmImplUsingEigen). The
// weights are the row-major lhs [M, K], the batches the column-major rhs [K, N], the result column-major [M, N].
// Which code Eigen runs depends on the shape:
// - one weight row (M == 1): `lhs.row(0) * rhs`, a row-major GEMV over the batches: `dot` per batch, added to 0.
// - K + M + N < 20 (EIGEN_GEMM_TO_COEFFBASED_THRESHOLD): the coefficient-based lazy product; each element is the
//   redux of the element-wise products: two 4-float packet accumulators over whole groups of eight, summed, one more
//   packet if a group of four remains, the pairwise horizontal sum, then the leftover products one by one.
// - otherwise the blocked GEMM (general_matrix_matrix_product → gebp_kernel; one depth block at these sizes), with
//   mr = 8 (2 packets: no FMA, so not 3) and nr = 4, into a zeroed destination. Each element is a sum over k whose
//   order depends on the micro-kernel that owns it:
//   · rows in whole 8-row panels (2pX4 / 2pX1), and every column past the last whole group of four columns
//     (the X1 kernels and the 1×1 tail): one accumulator, k in order;
//   · rows in the 4-row panel after those (1pX4) within a 4-column panel: even k into one accumulator and odd k into
//     a second over the k peeled by 8, the two summed, then the remaining k in order;
//   · the last rows % 4 (the "swapped" 1×4 path) within a 4-column panel: four accumulators taking k mod 4 over whole
//     groups of four, summed (a0 + a1) + (a2 + a3), then the remaining k in order.
// Every product and every sum is rounded to float on its own (no FMA).
// Established against LiteRT 2.3.0's BUILTIN_REF float LSTM, time-major, on cells 1–13, inputs 3–20, batches 2–5
// (docs in Tests/Fixtures/conformance/README.md).

extension EigenFloatMath {
    /// Eigen's GEMM threshold below which a product of runtime-sized matrices is evaluated coefficient by coefficient.
    public static let coefficientBasedThreshold = 20

    /// Floats of `packed` scratch `gemm` needs for a product of the given depth.
    @inlinable
    public static func gemmPackedCount(depth: Int) -> Int { depth * 4 }

    /// `destination[j·rows + i] = Σ_k weights[i·depth + k] · batches[j·depth + k]` for `rows` × `columns`, in the
    /// order Eigen's `lhs * rhs` sums for a row-major lhs and column-major rhs (see the file comment). Plain pointers:
    /// the caller owns all four buffers for the duration of the call; `destination` and `packed`
    /// (`gemmPackedCount(depth:)` floats of scratch) must not overlap the others.
    @inlinable
    public static func gemm(_ weights: UnsafePointer<Float>, rows: Int, depth: Int, _ batches: UnsafePointer<Float>,
                            columns: Int, into destination: UnsafeMutablePointer<Float>, packed: UnsafeMutablePointer<Float>) {
        if columns == 1 || rows == 1 {
            for j in 0..<columns {
                for i in 0..<rows {
                    destination[j * rows + i] = 0 + dot(weights + i * depth, batches + j * depth, count: depth)
                }
            }
            return
        }
        if depth + rows + columns < coefficientBasedThreshold {
            for j in 0..<columns {
                for i in 0..<rows { destination[j * rows + i] = reduxDot(weights + i * depth, batches + j * depth, count: depth) }
            }
            return
        }
        let panel8End = rows / 8 * 8
        let panel4End = panel8End + (rows - panel8End) / 4 * 4
        let columns4End = columns / 4 * 4
        // Up to four columns at a time, one per SIMD lane (each lane keeps its element's own order): the columns
        // packed k-major as Eigen packs its rhs, so a k step loads one vector.
        var j0 = 0
        while j0 < columns {
            let width = Swift.min(4, columns - j0)
            let column = batches + j0 * depth
            for k in 0..<depth {
                packed[k * 4] = column[k]
                packed[k * 4 + 1] = width > 1 ? column[depth + k] : 0
                packed[k * 4 + 2] = width > 2 ? column[2 * depth + k] : 0
                packed[k * 4 + 3] = width > 3 ? column[3 * depth + k] : 0
            }
            let inPanel = j0 < columns4End
            for i in 0..<rows {
                let w = weights + i * depth
                let sums: SIMD4<Float>
                if !inPanel || i < panel8End {
                    sums = packedSequential(w, packed, from: 0, to: depth, start: SIMD4(repeating: 0))
                } else if i < panel4End {
                    sums = packedEvenOdd(w, packed, count: depth)
                } else {
                    sums = packedFourAccumulators(w, packed, count: depth)
                }
                // Into the zeroed destination (0 + sum), lane by lane with constant lane numbers, so the vector is
                // never spilled to be indexed.
                let stored = SIMD4<Float>(repeating: 0) + sums
                let out = destination + j0 * rows + i
                out[0] = stored[0]
                if width > 1 { out[rows] = stored[1] }
                if width > 2 { out[2 * rows] = stored[2] }
                if width > 3 { out[3 * rows] = stored[3] }
            }
            j0 += width
        }
    }

    /// One weight row against four packed columns: k in order from `start`.
    @inlinable
    static func packedSequential(_ w: UnsafePointer<Float>, _ packed: UnsafePointer<Float>, from: Int, to: Int,
                                 start: SIMD4<Float>) -> SIMD4<Float> {
        var sum = start
        var k = from
        while k < to {
            sum = sum + SIMD4(repeating: w[k]) * UnsafeRawPointer(packed + k * 4).loadUnaligned(as: SIMD4<Float>.self)
            k += 1
        }
        return sum
    }

    /// 1pX4: even and odd k in two accumulators over the k peeled by eight, summed, then the rest in order.
    @inlinable
    static func packedEvenOdd(_ w: UnsafePointer<Float>, _ packed: UnsafePointer<Float>, count: Int) -> SIMD4<Float> {
        let peeled = count / 8 * 8
        var even = SIMD4<Float>(repeating: 0), odd = SIMD4<Float>(repeating: 0)
        var k = 0
        while k < peeled {
            even = even + SIMD4(repeating: w[k]) * UnsafeRawPointer(packed + k * 4).loadUnaligned(as: SIMD4<Float>.self)
            odd = odd + SIMD4(repeating: w[k + 1]) * UnsafeRawPointer(packed + k * 4 + 4).loadUnaligned(as: SIMD4<Float>.self)
            k += 2
        }
        return packedSequential(w, packed, from: peeled, to: count, start: even + odd)
    }

    /// The swapped 1×4 path: k mod 4 into four accumulators over whole groups of four, (a0 + a1) + (a2 + a3), rest.
    @inlinable
    static func packedFourAccumulators(_ w: UnsafePointer<Float>, _ packed: UnsafePointer<Float>, count: Int) -> SIMD4<Float> {
        let end4 = count / 4 * 4
        var c0 = SIMD4<Float>(repeating: 0), c1 = c0, c2 = c0, c3 = c0
        var k = 0
        while k < end4 {
            c0 = c0 + SIMD4(repeating: w[k]) * UnsafeRawPointer(packed + k * 4).loadUnaligned(as: SIMD4<Float>.self)
            c1 = c1 + SIMD4(repeating: w[k + 1]) * UnsafeRawPointer(packed + k * 4 + 4).loadUnaligned(as: SIMD4<Float>.self)
            c2 = c2 + SIMD4(repeating: w[k + 2]) * UnsafeRawPointer(packed + k * 4 + 8).loadUnaligned(as: SIMD4<Float>.self)
            c3 = c3 + SIMD4(repeating: w[k + 3]) * UnsafeRawPointer(packed + k * 4 + 12).loadUnaligned(as: SIMD4<Float>.self)
            k += 4
        }
        return packedSequential(w, packed, from: end4, to: count, start: (c0 + c1) + (c2 + c3))
    }

    /// Redux of the lazy product: two packet accumulators over groups of eight, one more packet, pairwise sum, tail.
    @inlinable
    static func reduxDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        let end8 = count / 8 * 8, end4 = count / 4 * 4
        guard end4 > 0 else { return sequentialDot(a, b, from: 1, to: count, start: a[0] * b[0]) }
        func product(_ k: Int) -> SIMD4<Float> {
            UnsafeRawPointer(a + k).loadUnaligned(as: SIMD4<Float>.self) * UnsafeRawPointer(b + k).loadUnaligned(as: SIMD4<Float>.self)
        }
        var r0 = product(0)
        if end4 > 4 {
            var r1 = product(4)
            var k = 8
            while k < end8 {
                r0 = r0 + product(k)
                r1 = r1 + product(k + 4)
                k += 8
            }
            r0 = r0 + r1
            if end4 > end8 { r0 = r0 + product(end8) }
        }
        let sum = (r0[0] + r0[2]) + (r0[1] + r0[3])
        return sequentialDot(a, b, from: end4, to: count, start: sum)
    }

    @inlinable
    static func sequentialDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, from: Int, to: Int, start: Float) -> Float {
        var sum = start
        var k = from
        while k < to {
            sum = sum + a[k] * b[k]
            k += 1
        }
        return sum
    }
}

extension EigenFloatMath {
    /// The plain twin of `gemm`, for tests: each element on its own, the micro-kernel that owns it picked by position,
    /// accumulators as scalars. Same pointer contract as `gemm`.
    public static func gemmReference(_ weights: UnsafePointer<Float>, rows: Int, depth: Int, _ batches: UnsafePointer<Float>,
                                     columns: Int, into destination: UnsafeMutablePointer<Float>) {
        for j in 0..<columns {
            for i in 0..<rows {
                var products = [Float](repeating: 0, count: depth)
                for k in 0..<depth { products[k] = weights[i * depth + k] * batches[j * depth + k] }
                destination[j * rows + i] = referenceElement(products, row: i, column: j, rows: rows, columns: columns)
            }
        }
    }

    static func referenceElement(_ p: [Float], row i: Int, column j: Int, rows: Int, columns: Int) -> Float {
        let depth = p.count
        func inOrder(_ from: Int, _ start: Float) -> Float {
            var s = start
            for k in from..<depth { s += p[k] }
            return s
        }
        if rows == 1 || columns == 1 {
            // Row-major GEMV: four lanes over whole packets, (l0 + l2) + (l1 + l3), the rest in order; into 0.
            guard depth >= 4 else { return 0 + inOrder(0, 0) }
            var lanes = [p[0], p[1], p[2], p[3]]
            var k = 4
            while k + 4 <= depth {
                for l in 0..<4 { lanes[l] = p[k + l] + lanes[l] }
                k += 4
            }
            return 0 + inOrder(k, (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]))
        }
        if depth + rows + columns < coefficientBasedThreshold {
            // Lazy product redux.
            let end8 = depth / 8 * 8, end4 = depth / 4 * 4
            guard end4 > 0 else { return inOrder(1, p[0]) }
            var r0 = [p[0], p[1], p[2], p[3]]
            if end4 > 4 {
                var r1 = [p[4], p[5], p[6], p[7]]
                for k in stride(from: 8, to: end8, by: 8) {
                    for l in 0..<4 {
                        r0[l] = r0[l] + p[k + l]
                        r1[l] = r1[l] + p[k + 4 + l]
                    }
                }
                for l in 0..<4 { r0[l] = r0[l] + r1[l] }
                if end4 > end8 { for l in 0..<4 { r0[l] = r0[l] + p[end8 + l] } }
            }
            return inOrder(end4, (r0[0] + r0[2]) + (r0[1] + r0[3]))
        }
        let panel8End = rows / 8 * 8, panel4End = panel8End + (rows - panel8End) / 4 * 4
        if j >= columns / 4 * 4 || i < panel8End { return 0 + inOrder(0, 0) }
        if i < panel4End {
            let peeled = depth / 8 * 8
            var c: Float = 0, d: Float = 0
            for k in 0..<peeled {
                if k % 2 == 0 { c += p[k] } else { d += p[k] }
            }
            return 0 + inOrder(peeled, c + d)
        }
        let end4 = depth / 4 * 4
        var acc: [Float] = [0, 0, 0, 0]
        for k in 0..<end4 { acc[k % 4] += p[k] }
        return 0 + inOrder(end4, (acc[0] + acc[1]) + (acc[2] + acc[3]))
    }
}
