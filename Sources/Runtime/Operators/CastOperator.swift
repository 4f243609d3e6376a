import Kernels
import TFLite

/// CAST between float32, int32, int64, int16, int8, uint8 and bool (`static_cast` per element; no rescaling).
final class CastOperator: PreparedOperator {
    private let from: CastType
    private let to: CastType
    private let count: Int
    private let slots: (Int, Int)
    private var input: UnsafeMutableRawPointer?
    private var output: UnsafeMutableRawPointer?

    static func castType(_ t: TensorType) -> CastType? {
        switch t {
        case .float32: .float32
        case .int32: .int32
        case .int64: .int64
        case .int16: .int16
        case .int8: .int8
        case .uint8: .uint8
        case .bool: .bool
        default: nil
        }
    }

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let a = try ctx.input(0), out = try ctx.output(0)
        guard let f = Self.castType(a.type), let t = Self.castType(out.type) else {
            throw ctx.unsupported("cannot cast \(a.type.name) to \(out.type.name)")
        }
        from = f
        to = t
        count = a.elementCount
        try ctx.setOutputShape(0, a.shape)
        slots = (try ctx.inputIndex(0), try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        input = memory.address(slots.0)
        output = memory.address(slots.1)
    }

    func eval(_ pool: WorkerPool?) {
        cast(from: from, to: to, input: input!, output: output!, count: count)
    }
}

extension CastOperator {
    /// Element operations per invoke (one per output element; these operators do no multiply-accumulates), so
    /// that a model made only of them still reports a nonzero cost to bundle requirements and speed estimates.
    var macs: Int {
        count
    }
}
