/// Writes a flatbuffer front to back: a table is laid out (vtable, then the table), and the objects its
/// offset fields point to are written after it, each placeholder patched once its target exists.
/// Forward offsets are what the format requires (uoffsets are unsigned), and this order keeps the writer
/// small: no back-to-front buffer, no deduplication of vtables (a few bytes per table).
struct FlatBufferWriter {
    var bytes: [UInt8] = []

    /// A field of a table being written.
    enum Field {
        /// A scalar stored inline, little-endian, aligned to its size.
        case scalar(index: Int, bytes: [UInt8])
        /// An offset to an object written after the table by `write`, which returns the object's position.
        case offset(index: Int, write: (inout FlatBufferWriter) -> Int)
    }

    mutating func pad(toMultipleOf alignment: Int, after extra: Int = 0) {
        while (bytes.count + extra) % alignment != 0 { bytes.append(0) }
    }

    mutating func append32(_ v: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
    }

    mutating func patch32(at position: Int, _ v: UInt32) {
        for i in 0..<4 { bytes[position + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
    }

    /// Points the uoffset placeholder at `field` to `target` (which must lie after it).
    mutating func patchOffset(at field: Int, to target: Int) {
        precondition(target > field, "flatbuffer offsets point forward")
        patch32(at: field, UInt32(target - field))
    }

    /// Writes a table and then, recursively, the objects its offset fields refer to. Returns the table's position.
    @discardableResult
    mutating func writeTable(_ fields: [Field]) -> Int {
        let maxIndex = fields.map { f -> Int in
            switch f {
            case .scalar(let i, _), .offset(let i, _): return i
            }
        }.max() ?? -1
        // Lay out the table body: soffset first, then fields, each aligned to its size (offsets: 4).
        // Body positions are relative to the table start, which is 8-aligned so 8-byte scalars stay aligned.
        var layout: [(field: Field, relative: Int)] = []
        var size = 4
        for field in fields.sorted(by: { Self.width($0) > Self.width($1) }) {
            let w = Self.width(field)
            while size % w != 0 { size += 1 }
            layout.append((field, size))
            size += w
        }
        let vtableSize = 4 + 2 * (maxIndex + 1)
        // vtable immediately before the table; the table must start 8-aligned.
        pad(toMultipleOf: 8, after: vtableSize)
        let vtable = bytes.count
        var entries = [UInt16](repeating: 0, count: maxIndex + 1)
        for (field, relative) in layout {
            switch field {
            case .scalar(let i, _), .offset(let i, _): entries[i] = UInt16(relative)
            }
        }
        for v in [UInt16(vtableSize), UInt16(size)] + entries {
            bytes.append(UInt8(truncatingIfNeeded: v))
            bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        }
        let table = bytes.count
        append32(UInt32(bitPattern: Int32(table - vtable)))
        bytes.append(contentsOf: [UInt8](repeating: 0, count: size - 4))
        var pending: [(position: Int, write: (inout FlatBufferWriter) -> Int)] = []
        for (field, relative) in layout {
            switch field {
            case .scalar(_, let value):
                for (k, b) in value.enumerated() { bytes[table + relative + k] = b }
            case .offset(_, let write):
                pending.append((table + relative, write))
            }
        }
        for (position, write) in pending {
            let target = write(&self)
            patchOffset(at: position, to: target)
        }
        return table
    }

    private static func width(_ field: Field) -> Int {
        switch field {
        case .scalar(_, let b): b.count
        case .offset: 4
        }
    }

    /// Writes a vector of raw elements; the element data starts at a multiple of `alignment`. Returns the vector's position.
    mutating func writeVector(_ elements: [UInt8], count: Int, alignment: Int = 4) -> Int {
        pad(toMultipleOf: max(alignment, 4), after: 4)
        let position = bytes.count
        append32(UInt32(count))
        bytes.append(contentsOf: elements)
        return position
    }

    mutating func writeString(_ s: String) -> Int {
        let utf8 = Array(s.utf8)
        let position = writeVector(utf8, count: utf8.count)
        bytes.append(0)
        return position
    }

    /// Writes a vector of tables (each written after the offset vector). Returns the vector's position.
    mutating func writeTableVector(_ tables: [[Field]]) -> Int {
        pad(toMultipleOf: 4)
        let position = bytes.count
        append32(UInt32(tables.count))
        let slots = bytes.count
        bytes.append(contentsOf: [UInt8](repeating: 0, count: 4 * tables.count))
        for (i, fields) in tables.enumerated() {
            let table = writeTable(fields)
            patchOffset(at: slots + 4 * i, to: table)
        }
        return position
    }

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
    }

    static func le(_ v: Float) -> [UInt8] { le(v.bitPattern) }

    static func vectorBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] { values.flatMap { le($0) } }
}
