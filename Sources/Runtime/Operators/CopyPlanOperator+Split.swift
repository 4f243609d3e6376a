import Kernels
import TFLite

extension CopyPlanOperator {
    /// UNPACK: output k is the input's slice k along the axis (that dimension removed).
    static func planUnpack(_ ctx: OperatorContext) throws(RuntimeError) -> [Step] {
        let input = try ctx.input(0)
        var o = ScalarOptions()
        if case .scalars(let s) = ctx.op.options { o = s }
        let a = try axis(ctx, o.int(1), rank: input.shape.count)
        let count = input.shape[a]
        guard ctx.op.outputs.count == count else {
            throw ctx.invalid("unpacks \(count) slices into \(ctx.op.outputs.count) outputs")
        }
        let outer = input.shape[..<a].reduce(1, *), inner = input.shape[(a + 1)...].reduce(1, *)
        var shape = input.shape
        shape.remove(at: a)
        var steps: [Step] = []
        for k in 0..<count {
            try ctx.setOutputShape(k, shape)
            steps.append(try step(ctx, output: k, dims: [outer, inner], strides: [count * inner, 1], start: k * inner))
        }
        return steps
    }

    /// SPLIT (axis, input; num_splits equal parts) and SPLIT_V (input, size_splits with at most one −1, axis).
    static func planSplit(_ ctx: OperatorContext) throws(RuntimeError) -> [Step] {
        let isV = ctx.op.opcode == .splitV
        let dataSlot = isV ? 0 : 1
        let input = try ctx.input(dataSlot)
        let axisValue = try integers(ctx, isV ? 2 : 0)
        guard axisValue.count == 1 else { throw ctx.invalid("axis must be a scalar") }
        let a = try axis(ctx, axisValue[0], rank: input.shape.count)
        let extent = input.shape[a]
        let parts = ctx.op.outputs.count
        var sizes: [Int]
        if isV {
            sizes = try integers(ctx, 1)
            guard sizes.count == parts else { throw ctx.invalid("\(sizes.count) split sizes for \(parts) outputs") }
            let unknown = sizes.indices.filter { sizes[$0] == -1 }
            guard unknown.count <= 1, sizes.allSatisfy({ $0 >= -1 }) else { throw ctx.invalid("invalid split sizes \(sizes)") }
            let known = sizes.filter { $0 >= 0 }.reduce(0, +)
            if let u = unknown.first { sizes[u] = extent - known }
        } else {
            guard parts > 0, extent % parts == 0 else { throw ctx.invalid("dimension \(extent) does not split into \(parts)") }
            sizes = [Int](repeating: extent / parts, count: parts)
        }
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == extent else {
            throw ctx.invalid("split sizes \(sizes) do not add up to \(extent)")
        }
        let outer = input.shape[..<a].reduce(1, *), inner = input.shape[(a + 1)...].reduce(1, *)
        var steps: [Step] = [], offset = 0
        for (k, size) in sizes.enumerated() {
            var shape = input.shape
            shape[a] = size
            try ctx.setOutputShape(k, shape)
            steps.append(try step(ctx, input: dataSlot, output: k, dims: [outer, size * inner], strides: [extent * inner, 1],
                                  start: size == 0 ? 0 : offset * inner))
            offset += size
        }
        return steps
    }
}
