import Kernels
import TFLite

extension CopyPlanOperator {
    /// REVERSE_V2 (reverse.cc): the input read backwards along each constant axis, i.e. a view with negated strides
    /// starting at the last element of those axes.
    static func planReverse(_ ctx: OperatorContext) throws(RuntimeError) -> [Step] {
        let input = try ctx.input(0)
        let rank = input.shape.count
        var axes: [Int] = []
        for v in try integers(ctx, 1) {
            let a = try axis(ctx, v, rank: rank)
            guard !axes.contains(a) else { throw ctx.invalid("axis \(v) is listed twice") }
            axes.append(a)
        }
        var strides = denseStrides(input.shape)
        var start = 0
        for a in axes where input.shape[a] > 0 {
            start += (input.shape[a] - 1) * strides[a]
            strides[a] = -strides[a]
        }
        try ctx.setOutputShape(0, input.shape)
        return [try step(ctx, dims: input.shape, strides: strides, start: start)]
    }
}
