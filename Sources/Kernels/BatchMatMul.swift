// Int8 BATCH_MATMUL (batch_matmul.cc, reference BatchMatMul): out[m][n] = Σ_k (lhs[m][k] − zp_l)(rhs[k][n] − zp_r),
// rescaled by the per-tensor multiplier s_l · s_r / s_out (float product, as GetQuantizedConvolutionMultipler), with
// broadcasting over up to three batch dimensions and the adj_x / adj_y transposes.

/// Prepared int8 BATCH_MATMUL.
public struct BatchMatMulParameters: Sendable, Equatable {
    /// Output batch extents (3, leading 1s) and the lhs / rhs batch strides in matrices (0 where broadcast).
    public var batchDims: [Int]
    public var lhsBatchStrides: [Int]
    public var rhsBatchStrides: [Int]
    public var rows: Int
    public var cols: Int
    public var depth: Int
    public var adjX: Bool
    public var adjY: Bool
    public var lhsOffset: Int32
    public var rhsOffset: Int32
    public var outputOffset: Int32
    public var multiplier: QuantizedMultiplier
    public var outputShape: [Int]

    public init(lhsShape: [Int], rhsShape: [Int], adjX: Bool, adjY: Bool, lhsScale: Float, lhsZeroPoint: Int32,
                rhsScale: Float, rhsZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32) throws(KernelPreparationError) {
        guard lhsShape.count >= 2, rhsShape.count >= 2, lhsShape.count <= 5, rhsShape.count <= 5 else {
            throw .incompatibleShapes("BATCH_MATMUL needs 2-D to 5-D operands, got \(lhsShape) and \(rhsShape)")
        }
        let l = [Int](repeating: 1, count: 5 - lhsShape.count) + lhsShape
        let r = [Int](repeating: 1, count: 5 - rhsShape.count) + rhsShape
        rows = adjX ? l[4] : l[3]
        depth = adjX ? l[3] : l[4]
        let rhsDepth = adjY ? r[4] : r[3]
        cols = adjY ? r[3] : r[4]
        guard depth == rhsDepth else { throw .incompatibleShapes("inner dimensions \(depth) and \(rhsDepth) differ") }
        var dims: [Int] = [], ls: [Int] = [], rs: [Int] = []
        var lStride = 1, rStride = 1
        var lStrides = [0, 0, 0], rStrides = [0, 0, 0]
        for d in (0..<3).reversed() {
            lStrides[d] = l[d] == 1 ? 0 : lStride
            rStrides[d] = r[d] == 1 ? 0 : rStride
            lStride *= l[d]
            rStride *= r[d]
        }
        for d in 0..<3 {
            guard l[d] == r[d] || l[d] == 1 || r[d] == 1 else { throw .incompatibleShapes("batch dimensions of \(lhsShape) and \(rhsShape) differ") }
            dims.append(Swift.max(l[d], r[d]))
            ls.append(lStrides[d])
            rs.append(rStrides[d])
        }
        batchDims = dims
        lhsBatchStrides = ls
        rhsBatchStrides = rs
        self.adjX = adjX
        self.adjY = adjY
        lhsOffset = -lhsZeroPoint
        rhsOffset = -rhsZeroPoint
        outputOffset = outputZeroPoint
        multiplier = QuantizedMultiplier(Double(lhsScale * rhsScale) / Double(outputScale))
        let rank = Swift.max(lhsShape.count, rhsShape.count)
        outputShape = Array(dims[(5 - rank)...]) + [rows, cols]
    }
}

/// Int8 BATCH_MATMUL.
@inlinable
public func batchMatMul(_ p: BatchMatMulParameters, lhs: UnsafePointer<Int8>, rhs: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>) {
    let m = p.rows, n = p.cols, k = p.depth
    var out = output
    for b0 in 0..<p.batchDims[0] { for b1 in 0..<p.batchDims[1] { for b2 in 0..<p.batchDims[2] {
        let lb = lhs + (b0 * p.lhsBatchStrides[0] + b1 * p.lhsBatchStrides[1] + b2 * p.lhsBatchStrides[2]) * m * k
        let rb = rhs + (b0 * p.rhsBatchStrides[0] + b1 * p.rhsBatchStrides[1] + b2 * p.rhsBatchStrides[2]) * k * n
        for i in 0..<m {
            for j in 0..<n {
                var total: Int32 = 0
                for d in 0..<k {
                    let a = Int32(p.adjX ? lb[d * m + i] : lb[i * k + d]) + p.lhsOffset
                    let b = Int32(p.adjY ? rb[j * k + d] : rb[d * n + j]) + p.rhsOffset
                    total &+= a * b
                }
                let v = multiplyByQuantizedMultiplier(total, p.multiplier.multiplier, p.multiplier.shift) &+ p.outputOffset
                out[i * n + j] = Int8(Swift.min(127, Swift.max(-128, v)))
            }
        }
        out += m * n
    } } }
}
