// LOGISTIC and TANH on 8-bit tensors: TFLite's reference resolver builds a 256-entry table at prepare time
// (activations.cc SigmoidPrepare / TanhPrepare → LUTPopulate in internal/common.h) and the kernel is a lookup.
// The table is computed in single precision with the C library's expf/tanhf, as TFLite does.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A 256-entry int8→int8 or uint8→uint8 table indexed by the input's bit pattern.
public struct ActivationLookupTable: Sendable, Equatable {
    /// The element type the table was built for.
    public var type: QuantizedType
    /// 256 output bit patterns; entry `UInt8(bitPattern: x)` holds f(x) for int8.
    public var table: [UInt8]

    /// TFLite's `LUTPopulateInt8`: dequantise every input value, transform it, requantise with `roundf`.
    ///
    /// All arithmetic is Float, in TFLite's order: `in_scale * (q - in_zp)`, then `roundf(f * (1 / out_scale))`,
    /// then `+ out_zp` in float, truncation to int32 and clamping to the type's range.
    public init(type: QuantizedType, inputScale: Float, inputZeroPoint: Int32,
                outputScale: Float, outputZeroPoint: Int32, transform: (Float) -> Float) {
        self.type = type
        var table = [UInt8](repeating: 0, count: 256)
        let inverseScale: Float = 1 / outputScale
        for value in type.min...type.max {
            let dequantized = inputScale * Float(value - inputZeroPoint)
            let transformed = transform(dequantized)
            let rescaled = roundHalfAwayFromZero(transformed * inverseScale)
            let quantized = truncatingInt32(rescaled + Float(outputZeroPoint))
            let clamped = Swift.max(Swift.min(type.max, quantized), type.min)
            table[Int(UInt8(truncatingIfNeeded: value))] = UInt8(truncatingIfNeeded: clamped)
        }
        self.table = table
    }

    /// LOGISTIC's table: `1 / (1 + expf(-x))` (TFLite requires the output scale to be 1/256).
    public static func logistic(type: QuantizedType, inputScale: Float, inputZeroPoint: Int32,
                                outputScale: Float, outputZeroPoint: Int32) -> ActivationLookupTable {
        ActivationLookupTable(type: type, inputScale: inputScale, inputZeroPoint: inputZeroPoint,
                              outputScale: outputScale, outputZeroPoint: outputZeroPoint) { x in
            1.0 / (1.0 + expf(-x))
        }
    }

    /// TANH's table: `tanhf(x)`.
    public static func tanh(type: QuantizedType, inputScale: Float, inputZeroPoint: Int32,
                            outputScale: Float, outputZeroPoint: Int32) -> ActivationLookupTable {
        ActivationLookupTable(type: type, inputScale: inputScale, inputZeroPoint: inputZeroPoint,
                              outputScale: outputScale, outputZeroPoint: outputZeroPoint) { x in
            tanhf(x)
        }
    }
}

/// Applies a prepared table elementwise (LOGISTIC, TANH).
///
/// `input` and `output` hold `count` elements of the type the table was built for; they may be the same buffer.
@inlinable
public func lookup<T: Quantized8BitInteger>(
    _ lut: ActivationLookupTable, input: UnsafePointer<T>, output: UnsafeMutablePointer<T>, count: Int
) {
    assert((T.self == Int8.self) == (lut.type == .int8), "table built for another element type")
    lut.table.withUnsafeBufferPointer { table in
        for i in 0..<count {
            output[i] = T(truncatingIfNeeded: table[Int(UInt8(truncatingIfNeeded: input[i]))])
        }
    }
}
