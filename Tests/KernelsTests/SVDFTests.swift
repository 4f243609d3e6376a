import Foundation
import Kernels
import XCTest

/// The SVDF kernels against plain references written from the definition: per filter a history of `memory`
/// activations shifted by one each step, the newest from the feature projection, each unit the sum of its `rank`
/// filters' time filters over that history. Several steps run back to back from a random state, so every column of
/// the history (not only the newest, all a zeroed state would reach) feeds the outputs. The conformance fixtures
/// (svdf_int8, svdf_float) pin the same kernels to LiteRT byte for byte.
final class SVDFTests: XCTestCase {
    private struct Shape {
        var geometry: SVDFGeometry
        init(_ rng: inout SplitMix) {
            let rank = Int.random(in: 1...3, using: &rng), units = Int.random(in: 1...5, using: &rng)
            geometry = SVDFGeometry(batches: Int.random(in: 1...3, using: &rng), inputSize: Int.random(in: 1...19, using: &rng),
                                    filters: rank * units, rank: rank, memory: Int.random(in: 1...8, using: &rng))
        }
    }

    // MARK: integer

    /// One step of the integer SVDF, from the definition, with the test-side rescale (`refRescale`) and Int64 sums.
    private func referenceIntegerStep(_ g: SVDFGeometry, feature: (Int32, Int32), output: (Int32, Int32), inputZeroPoint: Int32,
                                      outputZeroPoint: Int32, x: [Int8], wf: [Int8], wt: [Int16], bias: [Int32]?,
                                      history: inout [[[Int16]]]) -> [Int8] {
        for b in 0..<g.batches {
            for f in 0..<g.filters {
                var acc: Int64 = 0
                for c in 0..<g.inputSize { acc += Int64(wf[f * g.inputSize + c]) * (Int64(x[b * g.inputSize + c]) - Int64(inputZeroPoint)) }
                let newest = clamp(refRescale(Int32(acc), feature.0, feature.1), -32768, 32767)
                history[b][f] = Array(history[b][f].dropFirst()) + [Int16(newest)]
            }
        }
        var result: [Int8] = []
        for b in 0..<g.batches {
            for u in 0..<g.units {
                var acc = Int64(bias?[u] ?? 0)
                for r in 0..<g.rank {
                    let f = u * g.rank + r
                    for m in 0..<g.memory { acc += Int64(wt[f * g.memory + m]) * Int64(history[b][f][m]) }
                }
                result.append(Int8(clamp(refRescale(Int32(acc), output.0, output.1) + outputZeroPoint, -128, 127)))
            }
        }
        return result
    }

    func testIntegerSVDFMatchesTheDefinitionOverSeveralSteps() {
        var rng = SplitMix(seed: 27)
        for trial in 0..<60 {
            let g = Shape(&rng).geometry
            let featureScale = Double.random(in: 0.002...0.6, using: &rng), outputScale = Double.random(in: 1e-6...3e-4, using: &rng)
            let feature = refQuantizeMultiplier(featureScale), output = refQuantizeMultiplier(outputScale)
            let p = IntegerSVDFParameters(
                geometry: g, featureMultiplier: QuantizedMultiplier(multiplier: feature.multiplier, shift: feature.shift),
                outputMultiplier: QuantizedMultiplier(multiplier: output.multiplier, shift: output.shift),
                inputZeroPoint: Int32.random(in: -128...127, using: &rng), outputZeroPoint: Int32.random(in: -128...127, using: &rng))
            let wf: [Int8] = randomValues(g.filters * g.inputSize, &rng)
            let wt: [Int16] = (0..<(g.filters * g.memory)).map { _ in Int16.random(in: -511...511, using: &rng) }
            let bias: [Int32]? = trial % 3 == 0 ? nil : (0..<g.units).map { _ in Int32.random(in: -200_000...200_000, using: &rng) }
            // A random starting history: what an earlier invoke would have left.
            var state: [Int16] = (0..<g.stateCount).map { _ in Int16.random(in: -20_000...20_000, using: &rng) }
            var history = (0..<g.batches).map { b in
                (0..<g.filters).map { f in Array(state[((b * g.filters + f) * g.memory)..<((b * g.filters + f + 1) * g.memory)]) }
            }
            for step in 0..<4 {
                let x: [Int8] = randomValues(g.batches * g.inputSize, &rng)
                var out = [Int8](repeating: 0, count: g.batches * g.units)
                x.withUnsafeBufferPointer { x in
                    wf.withUnsafeBufferPointer { wf in
                        wt.withUnsafeBufferPointer { wt in
                            state.withUnsafeMutableBufferPointer { state in
                                out.withUnsafeMutableBufferPointer { out in
                                    if let bias {
                                        bias.withUnsafeBufferPointer { bias in
                                            integerSVDF(p, input: x.baseAddress!, weightsFeature: wf.baseAddress!, weightsTime: wt.baseAddress!,
                                                        bias: bias.baseAddress!, state: state.baseAddress!, output: out.baseAddress!)
                                        }
                                    } else {
                                        integerSVDF(p, input: x.baseAddress!, weightsFeature: wf.baseAddress!, weightsTime: wt.baseAddress!,
                                                    bias: nil, state: state.baseAddress!, output: out.baseAddress!)
                                    }
                                }
                            }
                        }
                    }
                }
                let expected = referenceIntegerStep(g, feature: feature, output: output, inputZeroPoint: p.inputZeroPoint,
                                                    outputZeroPoint: p.outputZeroPoint, x: x, wf: wf, wt: wt, bias: bias, history: &history)
                XCTAssertEqual(out, expected, "trial \(trial) step \(step) \(g)")
                XCTAssertEqual(state, history.flatMap { $0.flatMap { $0 } }, "trial \(trial) step \(step) state")
            }
        }
    }

    /// LiteRT's Prepare evaluates s_in·s_wf/s_state and s_state·s_wt/s_out in float before widening to double.
    func testIntegerMultipliersAreFloatExpressions() {
        let g = SVDFGeometry(batches: 1, inputSize: 1, filters: 1, rank: 1, memory: 1)
        let (sIn, sWf, sState, sWt, sOut): (Float, Float, Float, Float, Float) = (0.0235294122, 0.0047244094, 0.000121937, 0.00195312, 0.0157447830)
        let p = IntegerSVDFParameters(geometry: g, inputScale: sIn, weightsFeatureScale: sWf, stateScale: sState, weightsTimeScale: sWt,
                                      outputScale: sOut, inputZeroPoint: -22, outputZeroPoint: -128)
        let feature = refQuantizeMultiplier(Double(sIn * sWf / sState)), output = refQuantizeMultiplier(Double(sState * sWt / sOut))
        XCTAssertEqual(p.featureMultiplier, QuantizedMultiplier(multiplier: feature.multiplier, shift: feature.shift))
        XCTAssertEqual(p.outputMultiplier, QuantizedMultiplier(multiplier: output.multiplier, shift: output.shift))
        XCTAssertEqual(p.inputZeroPoint, -22)
    }

    // MARK: float

    private func runFloat(_ p: FloatSVDFParameters, x: [Float], wf: [Float], wt: [Float], bias: [Float]?, state: inout [Float]) -> [Float] {
        let g = p.geometry
        var out = [Float](repeating: .nan, count: g.batches * g.units)
        var scratch = [Float](repeating: .nan, count: p.scratchCount)
        let biasPointer = bias.map { b -> UnsafeMutablePointer<Float> in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: b.count)
            p.initialize(from: b, count: b.count)
            return p
        }
        defer { biasPointer?.deallocate() }
        x.withUnsafeBufferPointer { x in
            wf.withUnsafeBufferPointer { wf in
                wt.withUnsafeBufferPointer { wt in
                    state.withUnsafeMutableBufferPointer { state in
                        scratch.withUnsafeMutableBufferPointer { scratch in
                            out.withUnsafeMutableBufferPointer { out in
                                floatSVDF(p, input: x.baseAddress!, weightsFeature: wf.baseAddress!, weightsTime: wt.baseAddress!,
                                          bias: biasPointer.map { UnsafePointer($0) }, state: state.baseAddress!,
                                          scratch: scratch.baseAddress!, output: out.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Random shapes over several steps against the definition in double precision (the float kernel's summation
    /// order is LiteRT's, checked byte for byte by the svdf_float fixture; here the arithmetic is checked).
    func testFloatSVDFMatchesTheDefinitionOverSeveralSteps() {
        var rng = SplitMix(seed: 28)
        for trial in 0..<60 {
            let g = Shape(&rng).geometry
            let p = FloatSVDFParameters(geometry: g, activation: trial % 2 == 0 ? .none : .relu)
            let wf = (0..<(g.filters * g.inputSize)).map { _ in Float.random(in: -1...1, using: &rng) }
            let wt = (0..<(g.filters * g.memory)).map { _ in Float.random(in: -1...1, using: &rng) }
            let bias: [Float]? = trial % 3 == 0 ? nil : (0..<g.units).map { _ in Float.random(in: -1...1, using: &rng) }
            var state = (0..<g.stateCount).map { _ in Float.random(in: -2...2, using: &rng) }
            var history = state.map(Double.init)
            for step in 0..<4 {
                let x = (0..<(g.batches * g.inputSize)).map { _ in Float.random(in: -3...3, using: &rng) }
                let out = runFloat(p, x: x, wf: wf, wt: wt, bias: bias, state: &state)
                history = Array(history.dropFirst()) + [0]
                for b in 0..<g.batches {
                    for f in 0..<g.filters {
                        var a = 0.0
                        for c in 0..<g.inputSize { a += Double(wf[f * g.inputSize + c]) * Double(x[b * g.inputSize + c]) }
                        history[(b * g.filters + f) * g.memory + g.memory - 1] = a
                    }
                }
                for b in 0..<g.batches {
                    for u in 0..<g.units {
                        var y = Double(bias?[u] ?? 0)
                        for r in 0..<g.rank {
                            let f = u * g.rank + r
                            for m in 0..<g.memory { y += Double(wt[f * g.memory + m]) * history[(b * g.filters + f) * g.memory + m] }
                        }
                        if p.activation == .relu { y = max(y, 0) }
                        XCTAssertEqual(Double(out[b * g.units + u]), y, accuracy: 1e-4 * max(1, abs(y)), "trial \(trial) step \(step) \(g)")
                    }
                }
                for (i, v) in state.enumerated() {
                    XCTAssertEqual(Double(v), history[i], accuracy: 1e-4 * max(1, abs(history[i])), "trial \(trial) state \(i)")
                }
                // Carry the kernel's own (float) history on, so the errors do not compound across steps.
                history = state.map(Double.init)
            }
        }
    }

    /// Small integers keep every sum exact, so the result is the definition's whatever the order: two steps, two
    /// batches, rank 2, memory 3, the second step reading the first step's activations one column back.
    func testFloatSVDFHandComputed() {
        let g = SVDFGeometry(batches: 2, inputSize: 2, filters: 2, rank: 2, memory: 3)
        let p = FloatSVDFParameters(geometry: g, activation: .none)
        let wf: [Float] = [1, 2, 3, -1]           // filter 0: x0 + 2·x1, filter 1: 3·x0 − x1
        let wt: [Float] = [1, 10, 100, 2, 20, 200] // newest tap last
        var state = [Float](repeating: 0, count: g.stateCount)
        // Step 1: batch 0 x = (1, 1): activations 3, 2 → 100·3 + 200·2 + bias 5 = 705; batch 1 x = (2, 0): 2, 6 → 1405.
        XCTAssertEqual(runFloat(p, x: [1, 1, 2, 0], wf: wf, wt: wt, bias: [5], state: &state), [705, 1405])
        XCTAssertEqual(state, [0, 0, 3, 0, 0, 2, 0, 0, 2, 0, 0, 6])
        // Step 2: batch 0 x = (0, 1): 2, −1 → 10·3 + 100·2 + 20·2 + 200·(−1) + 5 = 75; batch 1 x = (1, 1): 3, 2 →
        // 10·2 + 100·3 + 20·6 + 200·2 + 5 = 845.
        XCTAssertEqual(runFloat(p, x: [0, 1, 1, 1], wf: wf, wt: wt, bias: [5], state: &state), [75, 845])
        XCTAssertEqual(state, [0, 3, 2, 0, 2, -1, 0, 2, 3, 0, 6, 2])
    }

    /// Each fused activation on a one-filter, one-tap SVDF (output = activation(x)), with C++'s comparisons: RELU of
    /// −0 and of NaN is +0.
    func testFloatActivations() {
        let g = SVDFGeometry(batches: 1, inputSize: 1, filters: 1, rank: 1, memory: 1)
        func run(_ a: FloatSVDFParameters.Activation, _ x: Float) -> Float {
            var state: [Float] = [0]
            return runFloat(FloatSVDFParameters(geometry: g, activation: a), x: [x], wf: [1], wt: [1], bias: nil, state: &state)[0]
        }
        XCTAssertEqual(run(.relu, -2), 0)
        XCTAssertEqual(run(.relu, 2.5), 2.5)
        XCTAssertEqual(run(.relu, .nan).bitPattern, Float(0).bitPattern)
        XCTAssertEqual(run(.relu6, 7), 6)
        XCTAssertEqual(run(.relu6, -1).bitPattern, Float(0).bitPattern)
        XCTAssertEqual(run(.reluN1To1, -3), -1)
        XCTAssertEqual(run(.reluN1To1, 0.25), 0.25)
        XCTAssertEqual(run(.tanh, 0.5), EigenFloatMath.tanh(0.5))
        XCTAssertEqual(run(.signBit, -2), 1)
        XCTAssertEqual(run(.signBit, 3), 0)
        XCTAssertEqual(run(.none, -4.5), -4.5)
    }

    /// LiteRT's x86 summation order: four lanes over the whole groups of four, lanes summed ((l0 + l1) + l2) + l3,
    /// then the rest in turn. With 10^8 beside ones (below half an ulp of 10^8) each order gives a different sum.
    func testNeonOrderSums() {
        let big: Float = 1e8
        let a: [Float] = [big, 1, 1, 1, -big, 1, 1, 1, 1]
        let ones = [Float](repeating: 1, count: a.count)
        var sequential: Float = 0
        for v in a { sequential += v }
        XCTAssertEqual(sequential, 4)                                     // 10^8 swallows the first three ones
        a.withUnsafeBufferPointer { a in
            ones.withUnsafeBufferPointer { ones in
                // Lanes: (10^8 − 10^8) + 2 + 2 + 2 = 6, then the ninth element: 7.
                XCTAssertEqual(NeonOrderFloat.dot(a.baseAddress!, ones.baseAddress!, count: 9), 7)
                XCTAssertEqual(NeonOrderFloat.sum(a.baseAddress!, count: 9), 7)
                // The accumulator is added to the lane sum before the remaining products: 10^8 + 6 rounds to
                // 10^8 + 8 (floats are 8 apart there), and the last 1 is lost.
                XCTAssertEqual(NeonOrderFloat.accumulateRow(big, a.baseAddress!, ones.baseAddress!, count: 9), big + 8)
                XCTAssertEqual(NeonOrderFloat.accumulateRow(0, a.baseAddress!, ones.baseAddress!, count: 9), 7)
                // Fewer than four elements: all sequential from +0.
                XCTAssertEqual(NeonOrderFloat.sum(a.baseAddress!, count: 3), 1e8)
            }
        }
    }

    // MARK: hybrid

    /// LiteRT's x86 quantisation rounds whole groups of eight with NEON_2_SSE's trunc(v ± 0.5), the float addition
    /// rounding 0.49999997 + 0.5 up to 1, and the rest with std::round (0.49999997 → 0, halves away from zero).
    func testHybridInputQuantizationRoundsLikeLiteRTsX86Build() {
        let values: [Float] = [127, 0.49999997, -0.49999997, 2.5, -2.5, 0, 1, 3, 0.49999997, 2.5, -2.5]
        var q = [Int8](repeating: 0, count: values.count)
        XCTAssertEqual(HybridInputQuantization.symmetric(values, count: values.count, into: &q), 1)
        XCTAssertEqual(q, [127, 1, -1, 3, -3, 0, 1, 3, 0, 3, -3])
        // Asymmetric: range [−1, 3] → scale 4/255 as float, zero point round(−64.25) = −64 (expected values from the
        // emulation that matched LiteRT on the svdf_hybrid fixture).
        let w: [Float] = [-1, 3, 0.7, -0.3, 1.9, 2.2, -0.9, 0.05, 1.3, -0.6]
        var qa = [Int8](repeating: 0, count: w.count)
        let (scale, zeroPoint) = HybridInputQuantization.asymmetric(w, count: w.count, into: &qa)
        XCTAssertEqual(scale.bitPattern, 0x3C80_8081)
        XCTAssertEqual(zeroPoint, -64)
        XCTAssertEqual(qa, [-128, 127, -19, -83, 57, 76, -121, -61, 19, -102])
        // All zeros: scale 1, zero point 0, nothing else; NaN and infinities quantise without trapping.
        var zeros = [Int8](repeating: 5, count: 3)
        XCTAssertEqual(HybridInputQuantization.symmetric([0, 0, 0], count: 3, into: &zeros), 1)
        XCTAssertEqual(zeros, [0, 0, 0])
        var hostile = [Int8](repeating: 0, count: 9)
        let bad: [Float] = [.nan, .infinity, -.infinity, 1, 2, 3, 4, 5, .nan]
        _ = HybridInputQuantization.symmetric(bad, count: bad.count, into: &hostile)
        _ = HybridInputQuantization.asymmetric(bad, count: bad.count, into: &hostile)
    }

    private func runHybrid(_ p: HybridSVDFParameters, x: [Float], wf: [Int8], wt: [Int8], bias: [Float]?, state: inout [Float]) -> [Float] {
        let g = p.float.geometry
        var out = [Float](repeating: .nan, count: g.batches * g.units)
        var scratch = [Float](repeating: .nan, count: p.scratchCount)
        var quantized = [Int8](repeating: 0, count: p.quantizedCount)
        let biasPointer = bias.map { b -> UnsafeMutablePointer<Float> in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: b.count)
            p.initialize(from: b, count: b.count)
            return p
        }
        defer { biasPointer?.deallocate() }
        hybridSVDF(p, input: x, weightsFeature: wf, weightsTime: wt, bias: biasPointer.map { UnsafePointer($0) }, state: &state,
                   scratch: &scratch, quantized: &quantized, output: &out)
        return out
    }

    /// The plain twin of the hybrid feature product for one batch: quantise (the same rules, written out), integer
    /// dot product in Int64, minus zero point × row sum, times scale × weights_feature scale, added to 0.
    private func referenceHybridFeatures(_ x: ArraySlice<Float>, wf: [Int8], filters: Int, asymmetric: Bool, wfScale: Float) -> [Float] {
        let x = Array(x), n = x.count
        var q = [Int64](repeating: 0, count: n)
        var scale: Float = 1, zeroPoint: Int64 = 0
        func lane(_ v: Float) -> Int64 { Int64((v + (v < 0 ? -0.5 : 0.5)).rounded(.towardZero)) }
        if asymmetric {
            let low = min(0, x.min()!), high = max(0, x.max()!)
            if low != high {
                let s = Double(high - low) / 255
                let fromMin = -128 - Double(low) / s, fromMax = 127 - Double(high) / s
                let z = 128 + abs(Double(low) / s) < 127 + abs(Double(high) / s) ? fromMin : fromMax
                zeroPoint = z <= -128 ? -128 : z >= 127 ? 127 : Int64(z.rounded())
                scale = Float(s)
                let factor = Float(1 / Double(scale))
                for i in 0..<n {
                    let v = x[i] * factor
                    q[i] = min(127, max(-128, i < n / 8 * 8 ? lane(v) + zeroPoint : Int64(Float(zeroPoint) + v.rounded())))
                }
            }
        } else {
            let range = max(abs(x.min()!), abs(x.max()!))
            if range != 0 {
                scale = range / 127
                let factor = 127 / range
                for i in 0..<n {
                    let v = x[i] * factor
                    q[i] = min(127, max(-127, i < n / 8 * 8 ? lane(v) : Int64(v.rounded())))
                }
            }
        }
        let factor = scale * wfScale
        return (0..<filters).map { f in
            var sum: Int64 = 0
            for k in 0..<n { sum += Int64(wf[f * n + k]) * (q[k] - zeroPoint) }
            return 0 + Float(sum) * factor
        }
    }

    /// Random shapes over several steps: the newest state column equals the twin's feature products bit for bit, and
    /// the outputs equal the definition over the kernel's own history (double precision, tolerance as for float).
    func testHybridSVDFMatchesItsReferenceTwinOverSeveralSteps() {
        var rng = SplitMix(seed: 2318)
        for trial in 0..<60 {
            let g = Shape(&rng).geometry
            let asymmetric = trial % 2 == 1
            let wfScale = Float.random(in: 0.001...0.01, using: &rng), wtScale = Float.random(in: 0.001...0.01, using: &rng)
            let p = HybridSVDFParameters(geometry: g, activation: trial % 3 == 0 ? .relu : .none, asymmetricInputs: asymmetric,
                                         weightsFeatureScale: wfScale, weightsTimeScale: wtScale)
            let wf = (0..<(g.filters * g.inputSize)).map { _ in Int8.random(in: -127...127, using: &rng) }
            let wt = (0..<(g.filters * g.memory)).map { _ in Int8.random(in: -127...127, using: &rng) }
            let bias: [Float]? = trial % 4 == 0 ? nil : (0..<g.units).map { _ in Float.random(in: -1...1, using: &rng) }
            var state = (0..<g.stateCount).map { _ in Float.random(in: -2...2, using: &rng) }
            for step in 0..<4 {
                let x = (0..<(g.batches * g.inputSize)).map { _ in Float.random(in: -3...(step == 3 ? -0.5 : 3), using: &rng) }
                var history = Array(state.dropFirst()) + [0]
                let out = runHybrid(p, x: x, wf: wf, wt: wt, bias: bias, state: &state)
                for b in 0..<g.batches {
                    let features = referenceHybridFeatures(x[(b * g.inputSize)..<((b + 1) * g.inputSize)], wf: wf, filters: g.filters,
                                                           asymmetric: asymmetric, wfScale: wfScale)
                    for f in 0..<g.filters {
                        let i = (b * g.filters + f) * g.memory + g.memory - 1
                        XCTAssertEqual(state[i].bitPattern, features[f].bitPattern, "trial \(trial) step \(step) batch \(b) filter \(f)")
                        history[i] = features[f]
                    }
                }
                for b in 0..<g.batches {
                    for u in 0..<g.units {
                        var y = Double(bias?[u] ?? 0)
                        for r in 0..<g.rank {
                            let f = u * g.rank + r
                            for m in 0..<g.memory {
                                y += Double(Float(wt[f * g.memory + m]) * wtScale) * Double(history[(b * g.filters + f) * g.memory + m])
                            }
                        }
                        if p.float.activation == .relu { y = max(y, 0) }
                        XCTAssertEqual(Double(out[b * g.units + u]), y, accuracy: 1e-4 * max(1, abs(y)), "trial \(trial) step \(step) \(g)")
                    }
                }
            }
        }
    }
}
