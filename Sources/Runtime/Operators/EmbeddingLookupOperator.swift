import Kernels
import TFLite

/// EMBEDDING_LOOKUP: rows of a value table (input 1, at least 2-D) picked by 1-D int32 ids (input 0) read at run
/// time. The output has the table's type, or is float32 from an int8 table with zero point 0 (TFLite's hybrid
/// path, a scale per tensor or per row).
final class EmbeddingLookupOperator: PreparedOperator {
    private let parameters: EmbeddingLookupParameters
    /// Empty for a plain row copy; the dequantisation scales for the hybrid path.
    private let scales: [Float]
    private let elementSize: Int
    private let slots: (ids: Int, table: Int, output: Int)
    private var pointers: (ids: UnsafeMutableRawPointer?, table: UnsafeMutableRawPointer?, output: UnsafeMutableRawPointer?)

    init(_ ctx: OperatorContext) throws(RuntimeError) {
        let ids = try ctx.input(0), table = try ctx.input(1), out = try ctx.output(0)
        guard ids.type == .int32, ids.shape.count == 1 else {
            throw ctx.unsupported("ids must be a 1-D int32 tensor, are \(ids.type.name) \(ids.shape)")
        }
        guard table.shape.count >= 2 else { throw ctx.invalid("the value table \(table.shape) must have at least 2 dimensions") }
        if table.type == out.type {
            guard [1, 2, 4, 8].contains(table.type.byteWidth) else { throw ctx.unsupported("\(table.type.name) tables are not supported") }
            scales = []
        } else if table.type == .int8, out.type == .float32 {
            let q = try ctx.quantization(table)
            guard q.zeroPoints.allSatisfy({ $0 == 0 }) else { throw ctx.unsupported("a hybrid int8 table must have zero point 0") }
            guard q.scales.count == 1 || (q.scales.count == table.shape[0] && q.quantizedDimension == 0) else {
                throw ctx.invalid("\(q.scales.count) scales for a table of \(table.shape[0]) rows")
            }
            scales = q.scales
        } else {
            throw ctx.unsupported("\(table.type.name) table → \(out.type.name) output is not supported")
        }
        parameters = EmbeddingLookupParameters(idCount: ids.shape[0], rows: table.shape[0], rowLength: table.shape.dropFirst().reduce(1, *))
        try ctx.setOutputShape(0, [ids.shape[0]] + table.shape.dropFirst())
        elementSize = table.type.byteWidth
        slots = (try ctx.inputIndex(0), try ctx.inputIndex(1), try ctx.outputIndex(0))
    }

    func bind(_ memory: TensorMemory) {
        pointers = (memory.address(slots.ids), memory.address(slots.table), memory.address(slots.output))
    }

    func eval(_ pool: WorkerPool?) {
        let ids = pointers.ids!.assumingMemoryBound(to: Int32.self)
        if scales.isEmpty {
            embeddingLookup(parameters, ids: ids, table: pointers.table!, elementSize: elementSize, output: pointers.output!)
        } else {
            scales.withUnsafeBufferPointer { s in
                embeddingLookup(parameters, ids: ids, table: pointers.table!.assumingMemoryBound(to: Int8.self), scales: s.baseAddress!,
                                perRow: s.count > 1, output: pointers.output!.assumingMemoryBound(to: Float.self))
            }
        }
    }
}

extension EmbeddingLookupOperator {
    /// One element copy per output element, so that a model made only of it still reports a nonzero cost.
    var macs: Int {
        parameters.idCount * parameters.rowLength
    }
}
