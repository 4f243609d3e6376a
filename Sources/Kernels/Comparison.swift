// EQUAL, NOT_EQUAL, GREATER, GREATER_EQUAL, LESS, LESS_EQUAL (comparisons.cc, reference comparisons.h): float32 and
// int32 compare values; int8/uint8 first bring both operands to a common scale — (q − zp) << 8, then each
// operand's own multiplier from QuantizeMultiplierSmallerThanOneExp(scale) — and compare the results. Output: bool
// bytes (0 or 1).

/// Which comparison.
public enum ComparisonFunction: Sendable, Equatable {
    case equal, notEqual, greater, greaterEqual, less, lessEqual

    @inlinable
    func apply<T: Comparable>(_ a: T, _ b: T) -> Bool {
        switch self {
        case .equal: a == b
        case .notEqual: a != b
        case .greater: a > b
        case .greaterEqual: a >= b
        case .less: a < b
        case .lessEqual: a <= b
        }
    }
}

/// The rescaling of quantised operands before they are compared.
public struct QuantizedComparisonParameters: Sendable, Equatable {
    public static let leftShift: Int32 = 8
    public var input1Offset: Int32
    public var input2Offset: Int32
    public var input1Multiplier: QuantizedMultiplier
    public var input2Multiplier: QuantizedMultiplier

    /// Refuses scales of 1 or more (TFLite's multiplier set-up requires them below one).
    public init(input1Scale: Float, input1ZeroPoint: Int32, input2Scale: Float, input2ZeroPoint: Int32) throws(KernelPreparationError) {
        guard input1Scale < 1, input2Scale < 1, input1Scale > 0, input2Scale > 0 else {
            throw .unsupported("quantised comparison needs input scales in (0, 1)")
        }
        input1Offset = -input1ZeroPoint
        input2Offset = -input2ZeroPoint
        input1Multiplier = QuantizedMultiplier(Double(input1Scale))
        input2Multiplier = QuantizedMultiplier(Double(input2Scale))
    }

    @inlinable
    func scaled1(_ q: Int32) -> Int32 {
        multiplyByQuantizedMultiplierSmallerThanOneExp((q &+ input1Offset) &* (1 << Self.leftShift), input1Multiplier.multiplier, input1Multiplier.shift)
    }

    @inlinable
    func scaled2(_ q: Int32) -> Int32 {
        multiplyByQuantizedMultiplierSmallerThanOneExp((q &+ input2Offset) &* (1 << Self.leftShift), input2Multiplier.multiplier, input2Multiplier.shift)
    }
}

/// Compares quantised 8-bit operands with broadcasting into bool bytes.
@inlinable
public func compareQuantized<T: FixedWidthInteger>(_ f: ComparisonFunction, _ shape: BroadcastShape, _ p: QuantizedComparisonParameters,
                                                   input1: UnsafePointer<T>, input2: UnsafePointer<T>, output: UnsafeMutablePointer<UInt8>) {
    broadcastBinary(shape, input1, input2, output) { (a: T, b: T) -> UInt8 in
        f.apply(p.scaled1(Int32(a)), p.scaled2(Int32(b))) ? 1 : 0
    }
}

/// Compares float32, int32 or int64 operands with broadcasting into bool bytes.
@inlinable
public func compare<T: Comparable>(_ f: ComparisonFunction, _ shape: BroadcastShape, input1: UnsafePointer<T>, input2: UnsafePointer<T>,
                                   output: UnsafeMutablePointer<UInt8>) {
    broadcastBinary(shape, input1, input2, output) { (a: T, b: T) -> UInt8 in f.apply(a, b) ? 1 : 0 }
}
