import Kernels
import TestSupport
import XCTest

/// The vectorised elementwise and requantisation paths (ADD, SUB, MUL, average pooling, rescaling concatenation)
/// byte for byte against their scalar reference twins, on random quantisation, lengths and values.
final class VectorPathTests: XCTestCase {
    private func randomAddSub(_ random: inout SeededGenerator, count: Int, qmin: Int32, qmax: Int32) throws -> AddSubParameters {
        try AddSubParameters(
            input1Shape: [count], input2Shape: [count],
            input1Scale: Float.random(in: 0.001...0.5, using: &random), input1ZeroPoint: Int32.random(in: qmin...qmax, using: &random),
            input2Scale: Float.random(in: 0.001...0.5, using: &random), input2ZeroPoint: Int32.random(in: qmin...qmax, using: &random),
            outputScale: Float.random(in: 0.001...0.5, using: &random), outputZeroPoint: Int32.random(in: qmin...qmax, using: &random),
            activation: [.none, .relu, .relu6][Int.random(in: 0...2, using: &random)], qmin: qmin, qmax: qmax)
    }

    private func randomMul(_ random: inout SeededGenerator, count: Int, qmin: Int32, qmax: Int32) throws -> MulParameters {
        try MulParameters(
            input1Shape: [count], input2Shape: [count],
            input1Scale: Float.random(in: 0.001...0.5, using: &random), input1ZeroPoint: Int32.random(in: qmin...qmax, using: &random),
            input2Scale: Float.random(in: 0.001...0.5, using: &random), input2ZeroPoint: Int32.random(in: qmin...qmax, using: &random),
            outputScale: Float.random(in: 0.0005...0.5, using: &random), outputZeroPoint: Int32.random(in: qmin...qmax, using: &random),
            activation: [.none, .relu, .relu6][Int.random(in: 0...2, using: &random)], qmin: qmin, qmax: qmax)
    }

    private func check<T: Quantized8BitInteger>(_ type: T.Type, _ random: inout SeededGenerator) throws {
        let qmin = Int32(T.min), qmax = Int32(T.max)
        for _ in 0..<200 {
            let count = Int.random(in: 1...300, using: &random)
            let a = (0..<count).map { _ in T.random(in: T.min...T.max, using: &random) }
            let b = (0..<count).map { _ in T.random(in: T.min...T.max, using: &random) }
            var fast = [T](repeating: 0, count: count), reference = [T](repeating: 0, count: count)
            var p = try randomAddSub(&random, count: count, qmin: qmin, qmax: qmax)
            var m = try randomMul(&random, count: count, qmin: qmin, qmax: qmax)
            // The AVX-512 sixteen-lane path where the CPU has it, and the eight-lane (AVX2) path everywhere.
            for wide in CPUFeatures.current.hasAVX512VNNI ? [true, false] : [false] {
                p.sixteenLanes = wide
                m.sixteenLanes = wide
                for subtract in [false, true] {
                    if subtract { Kernels.subtract(p, input1: a, input2: b, output: &fast) } else { add(p, input1: a, input2: b, output: &fast) }
                    addSubReference(p, input1: a, input2: b, output: &reference, subtract: subtract)
                    XCTAssertEqual(fast, reference, "\(T.self) \(subtract ? "SUB" : "ADD") sixteen lanes \(wide) \(p)")
                }
                multiply(m, input1: a, input2: b, output: &fast)
                multiplyReference(m, input1: a, input2: b, output: &reference)
                XCTAssertEqual(fast, reference, "\(T.self) MUL sixteen lanes \(wide) \(m)")
            }
        }
    }

    func testElementwiseVectorPathsMatchTheReference() throws {
        var random = SeededGenerator(seed: 51)
        try check(Int8.self, &random)
        try check(UInt8.self, &random)
    }

    func testAveragePoolingMatchesTheReference() {
        var random = SeededGenerator(seed: 52)
        for _ in 0..<150 {
            let h = Int.random(in: 1...12, using: &random), w = Int.random(in: 1...12, using: &random)
            let c = Int.random(in: 1...40, using: &random)
            let fh = Int.random(in: 1...h, using: &random), fw = Int.random(in: 1...w, using: &random)
            let sh = Int.random(in: 1...3, using: &random), sw = Int.random(in: 1...3, using: &random)
            let same = Bool.random(using: &random)
            let rows = ConvolutionGeometry(inputSize: h, filterSize: fh, stride: sh, dilation: 1, same: same)
            let cols = ConvolutionGeometry(inputSize: w, filterSize: fw, stride: sw, dilation: 1, same: same)
            let lo = Int32.random(in: -128...0, using: &random), hi = Int32.random(in: 0...127, using: &random)
            let p = PoolParameters(batches: 2, inputHeight: h, inputWidth: w, channels: c, outputHeight: rows.outputSize,
                                   outputWidth: cols.outputSize, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw,
                                   paddingTop: rows.paddingBefore, paddingLeft: cols.paddingBefore, outputMin: lo, outputMax: hi)
            let input = (0..<2 * h * w * c).map { _ in Int8.random(in: -128...127, using: &random) }
            var acc = [Int32](repeating: 0, count: c)
            var fast = [Int8](repeating: 0, count: 2 * rows.outputSize * cols.outputSize * c), reference = fast
            averagePool2D(p, input: input, accumulators: &acc, output: &fast)
            averagePool2DReference(p, input: input, accumulators: &acc, output: &reference)
            XCTAssertEqual(fast, reference, "int8 \(p)")
            let unsigned = input.map { UInt8(bitPattern: $0) }
            var fastU = [UInt8](repeating: 0, count: fast.count), referenceU = fastU
            let pu = PoolParameters(batches: 2, inputHeight: h, inputWidth: w, channels: c, outputHeight: rows.outputSize,
                                    outputWidth: cols.outputSize, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw,
                                    paddingTop: rows.paddingBefore, paddingLeft: cols.paddingBefore, outputMin: 0, outputMax: 255)
            averagePool2D(pu, input: unsigned, accumulators: &acc, output: &fastU)
            averagePool2DReference(pu, input: unsigned, accumulators: &acc, output: &referenceU)
            XCTAssertEqual(fastU, referenceU, "uint8 \(pu)")
        }
    }

    /// Extreme sums: every value at the type's limit, over a large global window (the float division's worst case).
    func testAveragePoolingExtremesOverLargeWindows() {
        for (value, size) in [(Int8.min, 64), (Int8.max, 64), (Int8.min, 255), (Int8.max, 7)] {
            let c = 24
            let p = PoolParameters(batches: 1, inputHeight: size, inputWidth: size, channels: c, outputHeight: 1, outputWidth: 1,
                                   filterHeight: size, filterWidth: size, strideHeight: 1, strideWidth: 1,
                                   paddingTop: 0, paddingLeft: 0, outputMin: -128, outputMax: 127)
            var input = [Int8](repeating: value, count: size * size * c)
            input[0] = 0
            var acc = [Int32](repeating: 0, count: c)
            var fast = [Int8](repeating: 0, count: c), reference = fast
            averagePool2D(p, input: input, accumulators: &acc, output: &fast)
            averagePool2DReference(p, input: input, accumulators: &acc, output: &reference)
            XCTAssertEqual(fast, reference, "value \(value), window \(size)×\(size)")
        }
    }

    func testRescalingConcatenationMatchesTheReference() throws {
        var random = SeededGenerator(seed: 53)
        for _ in 0..<50 {
            let inputs = Int.random(in: 1...4, using: &random)
            let rows = Int.random(in: 1...5, using: &random)
            let shapes = (0..<inputs).map { _ in [rows, Int.random(in: 1...40, using: &random)] }
            let scales = (0..<inputs).map { _ in Bool.random(using: &random) ? Float(0.05) : Float.random(in: 0.001...0.3, using: &random) }
            let zeroPoints = (0..<inputs).map { _ in Bool.random(using: &random) ? Int32(128) : Int32.random(in: 0...255, using: &random) }
            let p = try ConcatenationParameters(inputShapes: shapes, axis: 1, inputScales: scales, inputZeroPoints: zeroPoints,
                                                outputScale: 0.05, outputZeroPoint: 128)
            let data = shapes.map { s in (0..<s[0] * s[1]).map { _ in UInt8.random(in: 0...255, using: &random) } }
            let total = shapes.reduce(0) { $0 + $1[0] * $1[1] }
            var fast = [UInt8](repeating: 0, count: total), reference = fast
            let pointers = data.map { d in
                let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: d.count)
                copy.initialize(from: d, count: d.count)
                return copy
            }
            defer { pointers.forEach { $0.deallocate() } }
            concatenateWithScaling(p, inputs: pointers.map { UnsafePointer($0) }, output: &fast)
            concatenateWithScalingReference(p, inputs: pointers.map { UnsafePointer($0) }, output: &reference)
            XCTAssertEqual(fast, reference, "\(shapes) scales \(scales) zero points \(zeroPoints)")
        }
    }
}

/// LEAKY_RELU's per-byte tables against the per-element arithmetic they are built from.
final class LeakyReluTableTests: XCTestCase {
    func testTablesMatchTheArithmetic() {
        var random = SeededGenerator(seed: 54)
        for _ in 0..<100 {
            let p = LeakyReluParameters(alpha: Float.random(in: -1...1, using: &random), inputScale: Float.random(in: 0.001...0.3, using: &random),
                                        inputZeroPoint: Int32.random(in: -128...127, using: &random),
                                        outputScale: Float.random(in: 0.001...0.3, using: &random),
                                        outputZeroPoint: Int32.random(in: -128...127, using: &random))
            let signed = (0..<300).map { _ in Int8.random(in: -128...127, using: &random) }
            var fast = [Int8](repeating: 0, count: 300), reference = fast
            leakyRelu(p, input: signed, output: &fast, count: 300)
            leakyReluReference(p, input: signed, output: &reference, count: 300)
            XCTAssertEqual(fast, reference, "\(p.alphaMultiplier) \(p.identityMultiplier)")
            let q = LeakyReluParameters(alpha: Float.random(in: -1...1, using: &random), inputScale: Float.random(in: 0.001...0.3, using: &random),
                                        inputZeroPoint: Int32.random(in: 0...255, using: &random),
                                        outputScale: Float.random(in: 0.001...0.3, using: &random),
                                        outputZeroPoint: Int32.random(in: 0...255, using: &random))
            let unsigned = signed.map { UInt8(bitPattern: $0) }
            var fastU = [UInt8](repeating: 0, count: 300), referenceU = fastU
            leakyRelu(q, input: unsigned, output: &fastU, count: 300)
            leakyReluReference(q, input: unsigned, output: &referenceU, count: 300)
            XCTAssertEqual(fastU, referenceU)
        }
    }
}
