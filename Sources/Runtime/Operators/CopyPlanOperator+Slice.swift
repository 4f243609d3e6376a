import Kernels
import TFLite

extension CopyPlanOperator {
    /// STRIDED_SLICE (strided_slice_logic.h): begin/end/strides constants, the begin/end/shrink masks and `offset`.
    /// Ellipsis and new-axis masks are refused as unsupported.
    static func planStridedSlice(_ ctx: OperatorContext) throws(RuntimeError) -> [Step] {
        let input = try ctx.input(0)
        let rank = input.shape.count
        let begin = try integers(ctx, 1), end = try integers(ctx, 2), strides = try integers(ctx, 3)
        guard begin.count == end.count, end.count == strides.count, begin.count <= rank else {
            throw ctx.invalid("begin, end and strides must have one entry per sliced dimension (input \(input.shape))")
        }
        var o = ScalarOptions()
        if case .scalars(let s) = ctx.op.options { o = s }
        let beginMask = o.int(0), endMask = o.int(1), ellipsisMask = o.int(2), newAxisMask = o.int(3)
        let shrinkMask = o.int(4), offset = o.bool(5)
        guard ellipsisMask == 0, newAxisMask == 0 else { throw ctx.unsupported("ellipsis and new-axis masks are not supported") }
        let inStrides = denseStrides(input.shape)
        var dims: [Int] = [], viewStrides: [Int] = [], outShape: [Int] = []
        var start = 0
        for d in 0..<rank {
            let extent = input.shape[d]
            guard d < begin.count else {
                dims.append(extent); viewStrides.append(inStrides[d]); outShape.append(extent)
                continue
            }
            let stride = strides[d]
            guard stride != 0 else { throw ctx.invalid("stride of dimension \(d) is 0") }
            guard abs(begin[d]) < 1 << 31, abs(end[d]) < 1 << 31, abs(stride) < 1 << 31 else {
                throw ctx.invalid("slice bounds of dimension \(d) are out of range")
            }
            let shrink = shrinkMask & (1 << d) != 0
            func clamp(_ v: Int) -> Int { stride > 0 ? Swift.min(Swift.max(v, 0), extent) : Swift.min(Swift.max(v, -1), extent - 1) }
            var b = begin[d]
            if beginMask & (1 << d) != 0 && !shrink { b = stride > 0 ? 0 : extent - 1 } else {
                if b < 0 { b += extent }
                b = clamp(b)
            }
            var e: Int
            if shrink {
                guard b >= 0, b < extent else { throw ctx.invalid("shrunk index \(begin[d]) is outside dimension \(d) of \(extent)") }
                e = b + 1
            } else if endMask & (1 << d) != 0 {
                e = stride > 0 ? extent : -1
            } else {
                e = offset ? begin[d] + end[d] : end[d]
                if e < 0 { e += extent }
                e = clamp(e)
            }
            let count = stride > 0 ? Swift.max(0, (e - b + stride - 1) / stride) : Swift.max(0, (b - e + (-stride) - 1) / -stride)
            if count > 0 { start += b * inStrides[d] }
            dims.append(count)
            viewStrides.append(inStrides[d] * stride)
            if !shrink { outShape.append(count) }
        }
        try ctx.setOutputShape(0, outShape)
        if dims.contains(0) { start = 0 }
        return [try step(ctx, dims: dims, strides: viewStrides, start: start)]
    }

    /// SLICE: constant begin and size (−1: to the end of the dimension).
    static func planSlice(_ ctx: OperatorContext) throws(RuntimeError) -> [Step] {
        let input = try ctx.input(0)
        let begin = try integers(ctx, 1), size = try integers(ctx, 2)
        guard begin.count == input.shape.count, size.count == begin.count else {
            throw ctx.invalid("begin and size must have one entry per dimension of \(input.shape)")
        }
        let inStrides = denseStrides(input.shape)
        var dims: [Int] = [], start = 0
        for d in input.shape.indices {
            let extent = input.shape[d]
            let b = begin[d], n = size[d] == -1 ? extent - b : size[d]
            guard b >= 0, n >= 0, b <= extent, n <= extent - b else {
                throw ctx.invalid("slice begin \(b) size \(size[d]) does not fit dimension \(d) of \(extent)")
            }
            dims.append(n)
            start += b * inStrides[d]
        }
        try ctx.setOutputShape(0, dims)
        if dims.contains(0) { start = 0 }
        return [try step(ctx, dims: dims, strides: inStrides, start: start)]
    }
}
