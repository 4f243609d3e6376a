import Kernels
import TFLite

extension CopyPlanOperator {
    /// TRANSPOSE: a constant permutation of the input's dimensions.
    static func planTranspose(_ ctx: OperatorContext) throws(RuntimeError) -> [Step] {
        let input = try ctx.input(0)
        let perm = try integers(ctx, 1)
        guard perm.count == input.shape.count, perm.sorted() == Array(0..<perm.count) else {
            throw ctx.invalid("permutation \(perm) does not permute the dimensions of \(input.shape)")
        }
        let inStrides = denseStrides(input.shape)
        let dims = perm.map { input.shape[$0] }
        try ctx.setOutputShape(0, dims)
        return [try step(ctx, dims: dims, strides: perm.map { inStrides[$0] }, start: 0)]
    }

    /// EXPAND_DIMS: a unit dimension inserted at a constant axis; the bytes are unchanged.
    static func planExpandDims(_ ctx: OperatorContext) throws(RuntimeError) -> [Step] {
        let input = try ctx.input(0)
        let a = try integers(ctx, 1)
        guard a.count == 1 else { throw ctx.invalid("axis must be a scalar") }
        let at = try axis(ctx, a[0], rank: input.shape.count, extra: 1)
        var shape = input.shape
        shape.insert(1, at: at)
        try ctx.setOutputShape(0, shape)
        return [try step(ctx, dims: [input.elementCount], strides: [1], start: 0)]
    }

    /// TILE: each dimension becomes (multiple × extent), read with a zero stride over the repeats.
    static func planTile(_ ctx: OperatorContext) throws(RuntimeError) -> [Step] {
        let input = try ctx.input(0)
        let multiples = try integers(ctx, 1)
        guard multiples.count == input.shape.count, input.shape.count * 2 <= StridedCopy.maxRank else {
            throw ctx.invalid("multiples \(multiples) do not match input \(input.shape) (at most 4 dimensions)")
        }
        guard multiples.allSatisfy({ $0 >= 0 && $0 < 1 << 24 }) else { throw ctx.invalid("multiples \(multiples) are out of range") }
        let inStrides = denseStrides(input.shape)
        var dims: [Int] = [], strides: [Int] = []
        for d in input.shape.indices {
            dims += [multiples[d], input.shape[d]]
            strides += [0, inStrides[d]]
        }
        try ctx.setOutputShape(0, input.shape.indices.map { multiples[$0] * input.shape[$0] })
        return [try step(ctx, dims: dims, strides: strides, start: 0)]
    }

    /// BROADCAST_TO: a constant target shape; input dimensions (aligned right) of 1 repeat with a zero stride.
    static func planBroadcastTo(_ ctx: OperatorContext) throws(RuntimeError) -> [Step] {
        let input = try ctx.input(0)
        let shape = try integers(ctx, 1)
        guard shape.count >= input.shape.count, shape.count <= StridedCopy.maxRank else {
            throw ctx.invalid("cannot broadcast \(input.shape) to \(shape)")
        }
        let lead = shape.count - input.shape.count
        let inStrides = denseStrides(input.shape)
        var strides: [Int] = []
        for d in shape.indices {
            guard d >= lead else { strides.append(0); continue }
            let extent = input.shape[d - lead]
            guard extent == shape[d] || extent == 1, shape[d] >= 0 else { throw ctx.invalid("cannot broadcast \(input.shape) to \(shape)") }
            strides.append(extent == 1 ? 0 : inStrides[d - lead])
        }
        try ctx.setOutputShape(0, shape)
        return [try step(ctx, dims: shape, strides: strides, start: 0)]
    }

    /// DEPTH_TO_SPACE and SPACE_TO_DEPTH (NHWC, block size from the options): a 6-D transpose.
    static func planDepthSpace(_ ctx: OperatorContext) throws(RuntimeError) -> [Step] {
        let input = try ctx.input(0)
        let (n, h, w, c) = try ctx.shape4(input)
        var block = 0
        if case .scalars(let o) = ctx.op.options { block = o.int(0) }
        guard block >= 1, block <= 1 << 12 else { throw ctx.invalid("block size \(block) is invalid") }
        if ctx.op.opcode == .depthToSpace {
            guard c % (block * block) == 0 else { throw ctx.invalid("depth \(c) is not a multiple of \(block)²") }
            let cOut = c / (block * block)
            try ctx.setOutputShape(0, [n, h * block, w * block, cOut])
            return [try step(ctx, dims: [n, h, block, w, block, cOut],
                             strides: [h * w * c, w * c, block * cOut, c, cOut, 1], start: 0)]
        }
        guard h % block == 0, w % block == 0 else { throw ctx.invalid("\(h)×\(w) is not a multiple of block \(block)") }
        try ctx.setOutputShape(0, [n, h / block, w / block, block * block * c])
        return [try step(ctx, dims: [n, h / block, w / block, block, block, c],
                         strides: [h * w * c, block * w * c, block * c, w * c, c, 1], start: 0)]
    }
}
