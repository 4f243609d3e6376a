// CONCATENATION (concatenation.cc Prepare, reference concatenation.h). int8 (and float, int32…) is a copy:
// TFLite rejects int8 inputs whose scale or zero point differ from the output's. Legacy uint8 inputs with
// other quantisation are requantised in float by ConcatenationWithScaling.

/// Per-input float requantisation of legacy uint8 CONCATENATION.
public struct ConcatenationRescale: Sendable, Equatable {
    /// False when the input already has the output's scale and zero point (a plain copy).
    public var needsRescale: Bool
    /// input_scale · (1 / output_scale), in float.
    public var scale: Float
    /// −input_zero_point · scale, in float.
    public var bias: Float
    /// The rescaled output byte of every input byte, computed once at prepare time by the scalar formula
    /// (``concatenationRescaled(_:_:outputZeroPoint:)``): the value depends on the byte alone, so a 256-entry
    /// table gives the same bytes as the per-element float arithmetic at the cost of one load. Empty when no
    /// rescale is needed.
    public var table: [UInt8]

    public init(needsRescale: Bool, scale: Float, bias: Float, outputZeroPoint: Int32 = 0) {
        self.needsRescale = needsRescale
        self.scale = scale
        self.bias = bias
        let r = (scale: scale, bias: bias)
        table = needsRescale ? (0...255).map { concatenationRescaled(UInt8($0), r, outputZeroPoint: outputZeroPoint) } : []
    }
}

/// One legacy uint8 value rescaled as TFLite's ConcatenationWithScaling does: `roundf(Float(q) * scale + bias)`
/// with a separate multiply and add (no FMA), `+ zp_out`, clamped to [0, 255].
@inlinable
public func concatenationRescaled(_ q: UInt8, _ r: (scale: Float, bias: Float), outputZeroPoint: Int32) -> UInt8 {
    let product = Float(q) * r.scale
    let value = truncatingInt32(roundHalfAwayFromZero(product + r.bias)) &+ outputZeroPoint
    return UInt8(truncatingIfNeeded: Swift.max(Swift.min(255, value), 0))
}

/// Prepared geometry (and, for uint8, requantisation) of CONCATENATION along one axis.
public struct ConcatenationParameters: Sendable, Equatable {
    /// The output shape: the inputs' shape with the axis extents summed.
    public var outputShape: [Int]
    /// Product of the extents before the axis.
    public var outerSize: Int
    /// Elements each input contributes per outer step (its axis extent × the extents after the axis).
    public var copySizes: [Int]
    /// One entry per input for the uint8 scaling kernel; empty for plain copies.
    public var rescales: [ConcatenationRescale]
    public var outputZeroPoint: Int32

    /// Geometry only, for inputs that share the output's quantisation (int8, float, int32…).
    ///
    /// `axis` may be negative (counted from the end). Throws unless all inputs have the same rank and agree on
    /// every extent but the axis.
    public init(inputShapes: [[Int]], axis: Int) throws(KernelPreparationError) {
        guard let first = inputShapes.first else { throw .incompatibleShapes("CONCATENATION needs inputs") }
        let rank = first.count
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < Swift.max(rank, 1) else {
            throw .incompatibleShapes("axis \(axis) out of range for rank \(rank)")
        }
        if rank == 0 {
            // Scalars concatenate into a vector.
            outputShape = [inputShapes.count]
            outerSize = 1
            copySizes = [Int](repeating: 1, count: inputShapes.count)
        } else {
            var out = first
            out[a] = 0
            for shape in inputShapes {
                guard shape.count == rank else { throw .incompatibleShapes("rank mismatch in \(inputShapes)") }
                for d in 0..<rank where d != a && shape[d] != first[d] {
                    throw .incompatibleShapes("extent mismatch on dimension \(d) in \(inputShapes)")
                }
                out[a] += shape[a]
            }
            let inner = elementCount(Array(first[(a + 1)...]))
            outputShape = out
            outerSize = elementCount(Array(first[..<a]))
            copySizes = inputShapes.map { $0[a] * inner }
        }
        rescales = []
        outputZeroPoint = 0
    }

    /// Geometry plus ConcatenationWithScaling's per-input float rescale, for legacy uint8.
    ///
    /// An input is copied verbatim when its scale and zero point equal the output's, as TFLite does.
    public init(inputShapes: [[Int]], axis: Int, inputScales: [Float], inputZeroPoints: [Int32],
                outputScale: Float, outputZeroPoint: Int32) throws(KernelPreparationError) {
        try self.init(inputShapes: inputShapes, axis: axis)
        guard inputScales.count == inputShapes.count && inputZeroPoints.count == inputShapes.count else {
            throw .unsupported("one scale and zero point per input are required")
        }
        let inverseOutputScale: Float = 1 / outputScale
        rescales = (0..<inputShapes.count).map { i in
            let scale: Float = inputScales[i] * inverseOutputScale
            let bias: Float = Float(-inputZeroPoints[i]) * scale
            return ConcatenationRescale(
                needsRescale: !(inputZeroPoints[i] == outputZeroPoint && inputScales[i] == outputScale),
                scale: scale, bias: bias, outputZeroPoint: outputZeroPoint)
        }
        self.outputZeroPoint = outputZeroPoint
    }
}

/// CONCATENATION by copying (any element type whose inputs share the output's quantisation).
///
/// `inputs[i]` holds the elements of input i's shape; `output` holds the output shape's elements and must not
/// alias an input.
@inlinable
public func concatenate<T>(_ p: ConcatenationParameters, inputs: [UnsafePointer<T>], output: UnsafeMutablePointer<T>) {
    var out = output
    for k in 0..<p.outerSize {
        for i in 0..<inputs.count {
            let n = p.copySizes[i]
            out.update(from: inputs[i] + k * n, count: n)
            out += n
        }
    }
}

/// Legacy uint8 CONCATENATION with per-input requantisation (reference `ConcatenationWithScaling`).
///
/// Each rescaled value is `roundf(Float(q) * scale + bias)` with a separate multiply and add (no FMA), then
/// `+ zp_out` and a clamp to [0, 255], read from the input's prepared table. Buffers as for `concatenate`.
@inlinable
public func concatenateWithScaling(
    _ p: ConcatenationParameters, inputs: [UnsafePointer<UInt8>], output: UnsafeMutablePointer<UInt8>
) {
    var out = output
    for k in 0..<p.outerSize {
        for i in 0..<inputs.count {
            let n = p.copySizes[i]
            let input = inputs[i] + k * n
            let r = p.rescales[i]
            if !r.needsRescale {
                out.update(from: input, count: n)
            } else {
                r.table.withUnsafeBufferPointer { table in
                    for j in 0..<n { out[j] = table[Int(input[j])] }
                }
            }
            out += n
        }
    }
}

/// The per-element twin of ``concatenateWithScaling(_:inputs:output:)``: the float formula for every value, as
/// TFLite's reference loop computes it. KernelsTests compares the table path with it.
public func concatenateWithScalingReference(
    _ p: ConcatenationParameters, inputs: [UnsafePointer<UInt8>], output: UnsafeMutablePointer<UInt8>
) {
    var out = output
    for k in 0..<p.outerSize {
        for i in 0..<inputs.count {
            let n = p.copySizes[i]
            let input = inputs[i] + k * n
            let r = p.rescales[i]
            for j in 0..<n {
                out[j] = r.needsRescale ? concatenationRescaled(input[j], (r.scale, r.bias), outputZeroPoint: p.outputZeroPoint) : input[j]
            }
            out += n
        }
    }
}
