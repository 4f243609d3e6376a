// CAST (cast.cc): `static_cast` element by element. Float to integer truncates toward zero; values C++ leaves
// undefined (NaN, out of range) saturate here instead of trapping. Bool is one byte, 0 or 1.

/// The element types CAST converts between.
public enum CastType: Sendable, Equatable {
    case float32, int32, int64, int16, int8, uint8, bool
}

/// Converts `count` elements of `from` at `input` into `to` at `output`.
@inlinable
public func cast(from: CastType, to: CastType, input: UnsafeRawPointer, output: UnsafeMutableRawPointer, count: Int) {
    switch from {
    case .float32: castFrom(input.assumingMemoryBound(to: Float.self), to: to, output: output, count: count)
    case .int32: castFrom(input.assumingMemoryBound(to: Int32.self), to: to, output: output, count: count)
    case .int64: castFrom(input.assumingMemoryBound(to: Int64.self), to: to, output: output, count: count)
    case .int16: castFrom(input.assumingMemoryBound(to: Int16.self), to: to, output: output, count: count)
    case .int8: castFrom(input.assumingMemoryBound(to: Int8.self), to: to, output: output, count: count)
    case .uint8, .bool: castFrom(input.assumingMemoryBound(to: UInt8.self), to: to, output: output, count: count)
    }
}

/// A value on its way through CAST: integers exactly, floats as Float.
@usableFromInline
protocol CastSource {
    var castFloat: Float { get }
    func castInteger<T: FixedWidthInteger>(_: T.Type) -> T
    var isNonZero: Bool { get }
}

extension Float: CastSource {
    @inlinable var castFloat: Float { self }
    @inlinable func castInteger<T: FixedWidthInteger>(_: T.Type) -> T {
        guard !isNaN else { return 0 }
        if self >= Float(T.max) { return T.max }
        if self <= Float(T.min) { return T.min }
        return T(self)
    }
    @inlinable var isNonZero: Bool { self != 0 }
}

extension Int32: CastSource {}
extension Int64: CastSource {}
extension Int16: CastSource {}
extension Int8: CastSource {}
extension UInt8: CastSource {}

extension FixedWidthInteger {
    @inlinable var castFloat: Float { Float(self) }
    @inlinable func castInteger<T: FixedWidthInteger>(_: T.Type) -> T { T(truncatingIfNeeded: self) }
    @inlinable var isNonZero: Bool { self != 0 }
}

@inlinable
func castFrom<S: CastSource>(_ input: UnsafePointer<S>, to: CastType, output: UnsafeMutableRawPointer, count: Int) {
    switch to {
    case .float32:
        let o = output.assumingMemoryBound(to: Float.self)
        for i in 0..<count { o[i] = input[i].castFloat }
    case .int32:
        let o = output.assumingMemoryBound(to: Int32.self)
        for i in 0..<count { o[i] = input[i].castInteger(Int32.self) }
    case .int64:
        let o = output.assumingMemoryBound(to: Int64.self)
        for i in 0..<count { o[i] = input[i].castInteger(Int64.self) }
    case .int16:
        let o = output.assumingMemoryBound(to: Int16.self)
        for i in 0..<count { o[i] = input[i].castInteger(Int16.self) }
    case .int8:
        let o = output.assumingMemoryBound(to: Int8.self)
        for i in 0..<count { o[i] = input[i].castInteger(Int8.self) }
    case .uint8:
        let o = output.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count { o[i] = input[i].castInteger(UInt8.self) }
    case .bool:
        let o = output.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count { o[i] = input[i].isNonZero ? 1 : 0 }
    }
}
