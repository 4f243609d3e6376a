// Test-side arithmetic written from the TFLite semantics (docs/int8-reference-semantics.md) with Foundation's
// frexp/round and plain Int64, independent of the Kernels module's fixed-point helpers.
import Foundation
import Kernels
import TestSupport

/// TFLite's QuantizeMultiplier via the C library's frexp.
func refQuantizeMultiplier(_ real: Double) -> (multiplier: Int32, shift: Int32) {
    if real == 0 { return (0, 0) }
    var exponent: Int32 = 0
    let fraction = frexp(real, &exponent)
    var q = Int64(Foundation.round(fraction * 2147483648.0))
    var shift = exponent
    if q == 1 << 31 {
        q /= 2
        shift += 1
    }
    if shift < -31 { return (0, 0) }
    return (Int32(q), shift)
}

/// Double-rounding MultiplyByQuantizedMultiplier in Int64: high multiply with round-half-away nudge, then a
/// rounding right shift.
func refRescale(_ x: Int32, _ m: Int32, _ shift: Int32) -> Int32 {
    let left = max(shift, 0), right = max(-shift, 0)
    let a = Int64(x) << Int64(left)
    let ab = a * Int64(m)
    let nudge: Int64 = ab >= 0 ? 1 << 30 : 1 - (1 << 30)
    var high = (ab + nudge) / (1 << 31)
    if a == Int64(Int32.min) && m == Int32.min { high = Int64(Int32.max) }
    if right == 0 { return Int32(high) }
    // Round half away from zero on the exact quotient.
    let divisor = Int64(1) << Int64(right)
    let q = high / divisor, r = high % divisor
    if 2 * abs(r) >= divisor { return Int32(q + (high < 0 ? -1 : 1)) }
    return Int32(q)
}

func clamp(_ v: Int32, _ lo: Int32, _ hi: Int32) -> Int32 { min(max(v, lo), hi) }

/// Runs a unary kernel over an array.
func unary<I, O>(_ input: [I], outputCount: Int? = nil,
                 _ body: (UnsafePointer<I>, UnsafeMutablePointer<O>, Int) -> Void) -> [O] {
    let n = outputCount ?? input.count
    return [O](unsafeUninitializedCapacity: n) { buffer, initialized in
        input.withUnsafeBufferPointer { body($0.baseAddress!, buffer.baseAddress!, input.count) }
        initialized = n
    }
}

/// Runs a kernel that takes only the input and output pointers.
func transform<I, O>(_ input: [I], outputCount: Int? = nil,
                     _ body: (UnsafePointer<I>, UnsafeMutablePointer<O>) -> Void) -> [O] {
    unary(input, outputCount: outputCount) { input, output, _ in body(input, output) }
}

/// Runs a binary kernel over two arrays.
func binary<T>(_ a: [T], _ b: [T], outputCount: Int,
               _ body: (UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void) -> [T] {
    [T](unsafeUninitializedCapacity: outputCount) { buffer, initialized in
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in body(pa.baseAddress!, pb.baseAddress!, buffer.baseAddress!) }
        }
        initialized = outputCount
    }
}

/// A deterministic pseudo-random generator so failures reproduce: the package's SplitMix64 (through TestSupport, so
/// Kernels itself gains no dependency).
typealias SplitMix = SeededGenerator

func randomValues<T: FixedWidthInteger>(_ n: Int, _ rng: inout SplitMix) -> [T] {
    (0..<n).map { _ in T.random(in: T.min...T.max, using: &rng) }
}
