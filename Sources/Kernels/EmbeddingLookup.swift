// EMBEDDING_LOOKUP (embedding_lookup.cc): output row i is row `ids[i]` of the value table; ids are read at run time.
// EvalSimple copies the row's bytes (any element type, the output's type equal to the table's); EvalHybrid
// dequantises an int8 table into a float32 output as `Float(value) * scale`, the scale per tensor or per row (the
// reference requires zero point 0). The reference fails the invoke on an id outside the table; a kernel here cannot
// fail mid-graph, so such a row is filled with zero bytes instead of reading outside the table.

/// Geometry of EMBEDDING_LOOKUP: `idCount` ids into a table of `rows` rows of `rowLength` elements.
public struct EmbeddingLookupParameters: Sendable, Equatable {
    public var idCount: Int
    public var rows: Int
    public var rowLength: Int

    public init(idCount: Int, rows: Int, rowLength: Int) {
        self.idCount = idCount
        self.rows = rows
        self.rowLength = rowLength
    }
}

/// EvalSimple: copies the rows of `elementSize`-byte elements the ids pick.
@inlinable
public func embeddingLookup(_ p: EmbeddingLookupParameters, ids: UnsafePointer<Int32>, table: UnsafeRawPointer, elementSize: Int,
                            output: UnsafeMutableRawPointer) {
    let rowBytes = p.rowLength * elementSize
    for i in 0..<p.idCount {
        let id = Int(ids[i])
        let dst = output + i * rowBytes
        if id >= 0 && id < p.rows {
            dst.copyMemory(from: table + id * rowBytes, byteCount: rowBytes)
        } else {
            dst.initializeMemory(as: UInt8.self, repeating: 0, count: rowBytes)
        }
    }
}

/// EvalHybrid for an int8 table: `scales` holds one scale, or one per table row.
@inlinable
public func embeddingLookup(_ p: EmbeddingLookupParameters, ids: UnsafePointer<Int32>, table: UnsafePointer<Int8>,
                            scales: UnsafePointer<Float>, perRow: Bool, output: UnsafeMutablePointer<Float>) {
    for i in 0..<p.idCount {
        let id = Int(ids[i])
        let dst = output + i * p.rowLength
        guard id >= 0 && id < p.rows else {
            dst.update(repeating: 0, count: p.rowLength)
            continue
        }
        let scale = scales[perRow ? id : 0]
        let src = table + id * p.rowLength
        for j in 0..<p.rowLength { dst[j] = Float(src[j]) * scale }
    }
}
