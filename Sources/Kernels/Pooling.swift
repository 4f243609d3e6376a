#if EDGEFLEET_AVX2
import _Builtin_intrinsics.intel
#endif

/// Geometry and output range of AVERAGE_POOL_2D / MAX_POOL_2D, fixed at prepare time.
public struct PoolParameters: Sendable {
    public var batches: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var channels: Int
    public var outputHeight: Int
    public var outputWidth: Int
    public var filterHeight: Int
    public var filterWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var paddingTop: Int
    public var paddingLeft: Int
    /// Fused-activation range in the quantised domain (input and output share scale and zero point).
    public var outputMin: Int32
    public var outputMax: Int32

    public init(batches: Int, inputHeight: Int, inputWidth: Int, channels: Int, outputHeight: Int, outputWidth: Int,
                filterHeight: Int, filterWidth: Int, strideHeight: Int, strideWidth: Int,
                paddingTop: Int, paddingLeft: Int, outputMin: Int32, outputMax: Int32) {
        self.batches = batches
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.channels = channels
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        self.filterHeight = filterHeight
        self.filterWidth = filterWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.paddingTop = paddingTop
        self.paddingLeft = paddingLeft
        self.outputMin = outputMin
        self.outputMax = outputMax
    }
}

/// How the averaged sum is rounded: TFLite's int8 and uint8 references differ.
@usableFromInline
enum AverageRounding {
    /// int8: half away from zero.
    case halfAwayFromZero
    /// uint8: (sum + n/2) / n, the sum being non-negative.
    case halfUp
}

/// Int8 AVERAGE_POOL_2D; the divisor counts only the taps inside the image.
///
/// - `accumulators`: scratch of `channels` Int32, owned by the caller.
public func averagePool2D(_ p: PoolParameters, input: UnsafePointer<Int8>, accumulators: UnsafeMutablePointer<Int32>,
                          output: UnsafeMutablePointer<Int8>) {
    averagePool(p, input: input, accumulators: accumulators, output: output, rounding: .halfAwayFromZero)
}

/// Legacy uint8 AVERAGE_POOL_2D.
public func averagePool2D(_ p: PoolParameters, input: UnsafePointer<UInt8>, accumulators: UnsafeMutablePointer<Int32>,
                          output: UnsafeMutablePointer<UInt8>) {
    averagePool(p, input: input, accumulators: accumulators, output: output, rounding: .halfUp)
}

/// Int8 AVERAGE_POOL_2D by TFLite's scalar reference loop: the twin the vectorised form is tested against.
public func averagePool2DReference(_ p: PoolParameters, input: UnsafePointer<Int8>, accumulators: UnsafeMutablePointer<Int32>,
                                   output: UnsafeMutablePointer<Int8>) {
    averagePoolReference(p, input: input, accumulators: accumulators, output: output, rounding: .halfAwayFromZero)
}

/// Legacy uint8 AVERAGE_POOL_2D by TFLite's scalar reference loop (round half up).
public func averagePool2DReference(_ p: PoolParameters, input: UnsafePointer<UInt8>, accumulators: UnsafeMutablePointer<Int32>,
                                   output: UnsafeMutablePointer<UInt8>) {
    averagePoolReference(p, input: input, accumulators: accumulators, output: output, rounding: .halfUp)
}

@inlinable @inline(__always)
func averagePool<T: QuantizedElement>(_ p: PoolParameters, input: UnsafePointer<T>, accumulators acc: UnsafeMutablePointer<Int32>,
                                      output: UnsafeMutablePointer<T>, rounding: AverageRounding) {
    // The exact float division below needs |sum ± n/2| < 2^24; windows up to 2^16 values guarantee it.
    guard p.filterHeight * p.filterWidth <= 1 << 16 else {
        averagePoolReference(p, input: input, accumulators: acc, output: output, rounding: rounding)
        return
    }
    let c = p.channels
    var out = output
    for b in 0..<p.batches {
        let image = input + b * p.inputHeight * p.inputWidth * c
        for oy in 0..<p.outputHeight {
            let iy0 = oy * p.strideHeight - p.paddingTop
            let y0 = max(0, -iy0), y1 = min(p.filterHeight, p.inputHeight - iy0)
            for ox in 0..<p.outputWidth {
                let ix0 = ox * p.strideWidth - p.paddingLeft
                let x0 = max(0, -ix0), x1 = min(p.filterWidth, p.inputWidth - ix0)
                acc.update(repeating: 0, count: c)
                var count: Int32 = 0
                if y0 < y1 && x0 < x1 {
                    for fy in y0..<y1 {
                        for fx in x0..<x1 {
                            let row = image + ((iy0 + fy) * p.inputWidth + ix0 + fx) * c
                            for ch in 0..<c { acc[ch] &+= Int32(truncatingIfNeeded: row[ch]) }
                            count += 1
                        }
                    }
                }
                let n = max(count, 1)
                var ch = 0
                // Eight channels at a time. TFLite divides (s ± n/2) by n rounding toward zero; with |s ± n/2| < 2^24
                // both operands are exact floats and the correctly rounded quotient truncates to the same integer
                // (a non-integer quotient lies at least 1/n from the next integer, far above the rounding error).
                let half = SIMD8<Int32>(repeating: n / 2), divisor = SIMD8<Float>(repeating: Float(n))
                let lo = SIMD8<Int32>(repeating: p.outputMin), hi = SIMD8<Int32>(repeating: p.outputMax)
                while ch + 8 <= c {
                    let s = UnsafeRawPointer(acc + ch).loadUnaligned(as: SIMD8<Int32>.self)
                    let t: SIMD8<Int32>
                    switch rounding {
                    case .halfAwayFromZero: t = s &+ half.replacing(with: 0 &- half, where: s .<= 0)
                    case .halfUp: t = s &+ half
                    }
                    let q = truncatedQuotient(t, divisor)
                    let v = q.replacing(with: lo, where: q .< lo).replacing(with: hi, where: q .> hi)
                    T.store8(v, to: out + ch)
                    ch += 8
                }
                while ch < c {
                    let s = acc[ch]
                    var v: Int32
                    switch rounding {
                    case .halfAwayFromZero: v = s > 0 ? (s + n / 2) / n : (s - n / 2) / n
                    case .halfUp: v = (s + n / 2) / n
                    }
                    v = min(max(v, p.outputMin), p.outputMax)
                    out[ch] = T(truncatingIfNeeded: v)
                    ch += 1
                }
                out += c
            }
        }
    }
}

/// The scalar twin of the vectorised average pooling: TFLite's reference loop with its integer division, the
/// reference KernelsTests compares against (and the path for windows above 2^16 values).
@inlinable
func averagePoolReference<T: FixedWidthInteger>(_ p: PoolParameters, input: UnsafePointer<T>, accumulators acc: UnsafeMutablePointer<Int32>,
                                       output: UnsafeMutablePointer<T>, rounding: AverageRounding) {
    let c = p.channels
    var out = output
    for b in 0..<p.batches {
        let image = input + b * p.inputHeight * p.inputWidth * c
        for oy in 0..<p.outputHeight {
            let iy0 = oy * p.strideHeight - p.paddingTop
            let y0 = max(0, -iy0), y1 = min(p.filterHeight, p.inputHeight - iy0)
            for ox in 0..<p.outputWidth {
                let ix0 = ox * p.strideWidth - p.paddingLeft
                let x0 = max(0, -ix0), x1 = min(p.filterWidth, p.inputWidth - ix0)
                acc.update(repeating: 0, count: c)
                var count: Int32 = 0
                if y0 < y1 && x0 < x1 {
                    for fy in y0..<y1 {
                        for fx in x0..<x1 {
                            let row = image + ((iy0 + fy) * p.inputWidth + ix0 + fx) * c
                            for ch in 0..<c { acc[ch] &+= Int32(truncatingIfNeeded: row[ch]) }
                            count += 1
                        }
                    }
                }
                // TFLite fails the op on an empty window; a valid geometry never produces one.
                let n = max(count, 1)
                for ch in 0..<c {
                    let s = acc[ch]
                    var v: Int32
                    switch rounding {
                    case .halfAwayFromZero: v = s > 0 ? (s + n / 2) / n : (s - n / 2) / n
                    case .halfUp: v = (s + n / 2) / n
                    }
                    v = min(max(v, p.outputMin), p.outputMax)
                    out[ch] = T(truncatingIfNeeded: v)
                }
                out += c
            }
        }
    }
}

/// MAX_POOL_2D for int8 or uint8: the raw maximum over in-image taps, then the activation clamp.
@inlinable
public func maxPool2D<T: FixedWidthInteger>(_ p: PoolParameters, input: UnsafePointer<T>, output: UnsafeMutablePointer<T>) {
    let c = p.channels
    var out = output
    for b in 0..<p.batches {
        let image = input + b * p.inputHeight * p.inputWidth * c
        for oy in 0..<p.outputHeight {
            let iy0 = oy * p.strideHeight - p.paddingTop
            let y0 = max(0, -iy0), y1 = min(p.filterHeight, p.inputHeight - iy0)
            for ox in 0..<p.outputWidth {
                let ix0 = ox * p.strideWidth - p.paddingLeft
                let x0 = max(0, -ix0), x1 = min(p.filterWidth, p.inputWidth - ix0)
                out.update(repeating: T.min, count: c)
                if y0 < y1 && x0 < x1 {
                    for fy in y0..<y1 {
                        for fx in x0..<x1 {
                            let row = image + ((iy0 + fy) * p.inputWidth + ix0 + fx) * c
                            for ch in 0..<c { out[ch] = max(out[ch], row[ch]) }
                        }
                    }
                }
                let lo = T(truncatingIfNeeded: p.outputMin), hi = T(truncatingIfNeeded: p.outputMax)
                for ch in 0..<c { out[ch] = min(max(out[ch], lo), hi) }
                out += c
            }
        }
    }
}

/// `Float(t) / divisor` rounded toward zero, on eight lanes (`vcvtdq2ps`, `vdivps`, `vcvttps2dq` under AVX2; the
/// stdlib's generic SIMD conversions were left as out-of-line calls, so the portable form goes lane by lane).
@inlinable @inline(__always)
func truncatedQuotient(_ t: SIMD8<Int32>, _ divisor: SIMD8<Float>) -> SIMD8<Int32> {
    #if EDGEFLEET_AVX2
    let q = _mm256_div_ps(_mm256_cvtepi32_ps(unsafeBitCast(t, to: __m256i.self)), unsafeBitCast(divisor, to: __m256.self))
    return unsafeBitCast(_mm256_cvttps_epi32(q), to: SIMD8<Int32>.self)
    #else
    var out = SIMD8<Int32>()
    for i in 0..<8 { out[i] = Int32(Float(t[i]) / divisor[i]) }
    return out
    #endif
}
