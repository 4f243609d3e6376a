/// Bounds-checked reads of a flatbuffer held in memory.
///
/// Every offset is checked against the buffer before it is dereferenced: a hostile file yields a
/// `ModelFormatError`, never an out-of-bounds read. Little-endian, as the flatbuffer format mandates.
struct FlatBufferReader: Sendable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var count: Int { bytes.count }

    func check(_ offset: Int, _ size: Int, _ what: @autoclosure () -> String) throws(ModelFormatError) {
        guard offset >= 0, size >= 0, offset <= bytes.count, size <= bytes.count - offset else {
            throw ModelFormatError(.truncated, "\(what()) at byte \(offset) (\(size) bytes) lies outside the \(bytes.count)-byte file")
        }
    }

    func u8(_ o: Int) throws(ModelFormatError) -> UInt8 {
        try check(o, 1, "a byte")
        return bytes[o]
    }

    func u16(_ o: Int) throws(ModelFormatError) -> UInt16 {
        try check(o, 2, "a 16-bit value")
        return UInt16(bytes[o]) | UInt16(bytes[o + 1]) << 8
    }

    func u32(_ o: Int) throws(ModelFormatError) -> UInt32 {
        try check(o, 4, "a 32-bit value")
        return unchecked32(o)
    }

    @inline(__always)
    func unchecked32(_ o: Int) -> UInt32 {
        UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
    }

    @inline(__always)
    func unchecked64(_ o: Int) -> UInt64 {
        UInt64(unchecked32(o)) | UInt64(unchecked32(o + 4)) << 32
    }

    func i32(_ o: Int) throws(ModelFormatError) -> Int32 { Int32(bitPattern: try u32(o)) }

    func u64(_ o: Int) throws(ModelFormatError) -> UInt64 {
        try check(o, 8, "a 64-bit value")
        return unchecked64(o)
    }

    /// Follows a uoffset stored at `o` (relative to `o`), as vectors, strings and sub-tables are referenced.
    func indirect(_ o: Int) throws(ModelFormatError) -> Int {
        let target = o + Int(try u32(o))
        guard target < bytes.count else {
            throw ModelFormatError(.truncated, "an offset at byte \(o) points to \(target), past the end of the \(bytes.count)-byte file")
        }
        return target
    }

    /// The table whose position is stored as a uoffset at `o`.
    func table(at o: Int, _ what: String) throws(ModelFormatError) -> FlatTable {
        try FlatTable(reader: self, position: try indirect(o), what: what)
    }

    /// The root table of the buffer.
    func rootTable(_ what: String) throws(ModelFormatError) -> FlatTable {
        try table(at: 0, what)
    }
}

/// One flatbuffer table: a position and its vtable, with typed, defaulted field access.
struct FlatTable: Sendable {
    let reader: FlatBufferReader
    let position: Int
    let vtable: Int
    let vtableSize: Int
    let tableSize: Int
    let what: String

    init(reader: FlatBufferReader, position: Int, what: String) throws(ModelFormatError) {
        self.reader = reader
        self.position = position
        self.what = what
        let soffset = Int(try reader.i32(position))
        let vtable = position - soffset
        try reader.check(vtable, 4, "the vtable of \(what)")
        let vtableSize = Int(try reader.u16(vtable))
        let tableSize = Int(try reader.u16(vtable + 2))
        guard vtableSize >= 4, vtableSize % 2 == 0 else {
            throw ModelFormatError(.corrupt, "the vtable of \(what) declares an invalid size \(vtableSize)")
        }
        try reader.check(vtable, vtableSize, "the vtable of \(what)")
        try reader.check(position, max(tableSize, 4), "\(what)")
        self.vtable = vtable
        self.vtableSize = vtableSize
        self.tableSize = tableSize
    }

    /// Absolute position of field `index`, or nil when the field is absent (schema default applies).
    func fieldPosition(_ index: Int, size: Int) throws(ModelFormatError) -> Int? {
        let entry = 4 + 2 * index
        guard entry + 2 <= vtableSize else { return nil }
        let relative = Int(try reader.u16(vtable + entry))
        guard relative != 0 else { return nil }
        guard relative + size <= tableSize else {
            throw ModelFormatError(.corrupt, "field \(index) of \(what) lies outside its table")
        }
        return position + relative
    }

    func bool(_ index: Int, default value: Bool = false) throws(ModelFormatError) -> Bool {
        guard let p = try fieldPosition(index, size: 1) else { return value }
        return try reader.u8(p) != 0
    }

    func u8(_ index: Int, default value: UInt8 = 0) throws(ModelFormatError) -> UInt8 {
        guard let p = try fieldPosition(index, size: 1) else { return value }
        return try reader.u8(p)
    }

    func i8(_ index: Int, default value: Int8 = 0) throws(ModelFormatError) -> Int8 {
        guard let p = try fieldPosition(index, size: 1) else { return value }
        return Int8(bitPattern: try reader.u8(p))
    }

    func i32(_ index: Int, default value: Int32 = 0) throws(ModelFormatError) -> Int32 {
        guard let p = try fieldPosition(index, size: 4) else { return value }
        return try reader.i32(p)
    }

    func u32(_ index: Int, default value: UInt32 = 0) throws(ModelFormatError) -> UInt32 {
        guard let p = try fieldPosition(index, size: 4) else { return value }
        return try reader.u32(p)
    }

    func u64(_ index: Int, default value: UInt64 = 0) throws(ModelFormatError) -> UInt64 {
        guard let p = try fieldPosition(index, size: 8) else { return value }
        return try reader.u64(p)
    }

    func f32(_ index: Int, default value: Float = 0) throws(ModelFormatError) -> Float {
        guard let p = try fieldPosition(index, size: 4) else { return value }
        return Float(bitPattern: try reader.u32(p))
    }

    /// A sub-table, or nil when absent.
    func table(_ index: Int, _ what: String) throws(ModelFormatError) -> FlatTable? {
        guard let p = try fieldPosition(index, size: 4) else { return nil }
        return try reader.table(at: p, what)
    }

    /// The element region of a vector field: start position and element count, bounds-checked.
    func vector(_ index: Int, elementSize: Int, _ what: String) throws(ModelFormatError) -> (start: Int, count: Int)? {
        guard let p = try fieldPosition(index, size: 4) else { return nil }
        let v = try reader.indirect(p)
        let n = Int(try reader.u32(v))
        let (bytes, overflow) = n.multipliedReportingOverflow(by: elementSize)
        guard !overflow else { throw ModelFormatError(.corrupt, "\(what) declares \(n) elements") }
        try reader.check(v + 4, bytes, "\(what) (\(n) elements)")
        return (v + 4, n)
    }

    func string(_ index: Int, _ what: String) throws(ModelFormatError) -> String? {
        guard let (start, n) = try vector(index, elementSize: 1, what) else { return nil }
        return String(decoding: reader.bytes[start..<start + n], as: UTF8.self)
    }

    func int32Vector(_ index: Int, _ what: String) throws(ModelFormatError) -> [Int32]? {
        guard let (start, n) = try vector(index, elementSize: 4, what) else { return nil }
        return (0..<n).map { Int32(bitPattern: reader.unchecked32(start + 4 * $0)) }
    }

    func int64Vector(_ index: Int, _ what: String) throws(ModelFormatError) -> [Int64]? {
        guard let (start, n) = try vector(index, elementSize: 8, what) else { return nil }
        return (0..<n).map { Int64(bitPattern: reader.unchecked64(start + 8 * $0)) }
    }

    func floatVector(_ index: Int, _ what: String) throws(ModelFormatError) -> [Float]? {
        guard let (start, n) = try vector(index, elementSize: 4, what) else { return nil }
        return (0..<n).map { Float(bitPattern: reader.unchecked32(start + 4 * $0)) }
    }

    /// The tables of a vector-of-tables field.
    func tables(_ index: Int, _ what: String) throws(ModelFormatError) -> [FlatTable] {
        guard let (start, n) = try vector(index, elementSize: 4, what) else { return [] }
        var result: [FlatTable] = []
        result.reserveCapacity(n)
        for i in 0..<n {
            result.append(try reader.table(at: start + 4 * i, "\(what)[\(i)]"))
        }
        return result
    }
}
