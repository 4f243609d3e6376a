/// Every buffer a training run needs, allocated once: parameters, gradients, Adam moments and per-layer
/// activations and deltas for one batch. The batch loop only reads and writes these.
///
/// Feature widths are padded to multiples of 16 floats (zeros) so the inner loops run on whole `SIMD16<Float>`
/// vectors; padded weights and activations stay exactly zero through training.
final class TrainingWorkspace {
    typealias Vector = SIMD16<Float>
    static let lanes = 16

    let sizes: [Int]
    let strides: [Int]
    let batchCapacity: Int
    /// Offsets into the parameter buffers of each layer's weights [out, strideIn] and biases [strideOut].
    let weightOffsets: [Int]
    let biasOffsets: [Int]
    let parameterCount: Int

    let parameters: UnsafeMutablePointer<Float>
    let gradients: UnsafeMutablePointer<Float>
    let firstMoments: UnsafeMutablePointer<Float>
    let secondMoments: UnsafeMutablePointer<Float>
    let best: UnsafeMutablePointer<Float>
    /// activations[l]: [batch, strides[l]]; layer 0 is the input batch.
    let activations: [UnsafeMutablePointer<Float>]
    /// deltas[l]: gradient of the loss with respect to layer l's pre-activation, [batch, strides[l]].
    let deltas: [UnsafeMutablePointer<Float>]
    private var allocations: [UnsafeMutablePointer<Float>] = []

    static func padded(_ n: Int) -> Int { (n + lanes - 1) / lanes * lanes }

    init(sizes: [Int], batchCapacity: Int) {
        self.sizes = sizes
        strides = sizes.map(Self.padded)
        self.batchCapacity = batchCapacity
        var offset = 0
        var wo: [Int] = [], bo: [Int] = []
        for l in 1..<sizes.count {
            wo.append(offset)
            offset += sizes[l] * strides[l - 1]
            bo.append(offset)
            offset += strides[l]
        }
        weightOffsets = wo
        biasOffsets = bo
        parameterCount = Self.padded(offset)
        func make(_ count: Int) -> UnsafeMutablePointer<Float> {
            let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
            let p = raw.bindMemory(to: Float.self, capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            return p
        }
        parameters = make(parameterCount)
        gradients = make(parameterCount)
        firstMoments = make(parameterCount)
        secondMoments = make(parameterCount)
        best = make(parameterCount)
        activations = strides.map { make($0 * batchCapacity) }
        deltas = strides.map { make($0 * batchCapacity) }
        allocations = [parameters, gradients, firstMoments, secondMoments, best] + activations + deltas
    }

    deinit {
        for p in allocations { UnsafeMutableRawPointer(p).deallocate() }
    }

    var layerCount: Int { sizes.count - 1 }

    func weights(_ layer: Int) -> UnsafeMutablePointer<Float> { parameters + weightOffsets[layer] }
    func biases(_ layer: Int) -> UnsafeMutablePointer<Float> { parameters + biasOffsets[layer] }

    // MARK: - Kernels

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always) static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// Layer `layer` (0-based) forward over `rows` batch rows: activations[layer] → activations[layer + 1].
    func forward(_ layer: Int, rows: Int) {
        let sIn = strides[layer], sOut = strides[layer + 1], units = sizes[layer + 1]
        let x = UnsafePointer(activations[layer]), y = activations[layer + 1]
        let w = UnsafePointer(weights(layer)), b = UnsafePointer(biases(layer))
        let relu = layer + 1 < layerCount
        var r = 0
        // Four rows at a time share every weight load.
        while r + 4 <= rows {
            let x0 = x + r * sIn, x1 = x0 + sIn, x2 = x1 + sIn, x3 = x2 + sIn
            for o in 0..<units {
                let wr = w + o * sIn
                var a0 = Vector(), a1 = Vector(), a2 = Vector(), a3 = Vector()
                var k = 0
                while k < sIn {
                    let wv = Self.load(wr + k)
                    a0 += Self.load(x0 + k) * wv
                    a1 += Self.load(x1 + k) * wv
                    a2 += Self.load(x2 + k) * wv
                    a3 += Self.load(x3 + k) * wv
                    k += Self.lanes
                }
                let bias = b[o]
                var v0 = a0.sum() + bias, v1 = a1.sum() + bias, v2 = a2.sum() + bias, v3 = a3.sum() + bias
                if relu { v0 = max(v0, 0); v1 = max(v1, 0); v2 = max(v2, 0); v3 = max(v3, 0) }
                y[r * sOut + o] = v0
                y[(r + 1) * sOut + o] = v1
                y[(r + 2) * sOut + o] = v2
                y[(r + 3) * sOut + o] = v3
            }
            r += 4
        }
        while r < rows {
            let xr = x + r * sIn
            for o in 0..<units {
                let wr = w + o * sIn
                var a = Vector()
                var k = 0
                while k < sIn {
                    a += Self.load(xr + k) * Self.load(wr + k)
                    k += Self.lanes
                }
                let v = a.sum() + b[o]
                y[r * sOut + o] = relu ? max(v, 0) : v
            }
            r += 1
        }
    }

    /// Gradients of layer `layer`'s weights and biases from deltas[layer + 1] and activations[layer];
    /// when `propagate`, also deltas[layer] (masked by the ReLU of activations[layer]).
    func backward(_ layer: Int, rows: Int, propagate: Bool) {
        let sIn = strides[layer], sOut = strides[layer + 1], units = sizes[layer + 1]
        let x = UnsafePointer(activations[layer]), d = UnsafePointer(deltas[layer + 1])
        let gw = gradients + weightOffsets[layer], gb = gradients + biasOffsets[layer]
        // dW[o, :] = Σ_b d[b, o] · x[b, :], four units at a time sharing each input load.
        var o = 0
        while o + 4 <= units {
            var k = 0
            while k < sIn {
                var a0 = Vector(), a1 = Vector(), a2 = Vector(), a3 = Vector()
                for r in 0..<rows {
                    let xv = Self.load(x + r * sIn + k)
                    let dr = d + r * sOut + o
                    a0 += dr[0] * xv
                    a1 += dr[1] * xv
                    a2 += dr[2] * xv
                    a3 += dr[3] * xv
                }
                Self.store(a0, gw + o * sIn + k)
                Self.store(a1, gw + (o + 1) * sIn + k)
                Self.store(a2, gw + (o + 2) * sIn + k)
                Self.store(a3, gw + (o + 3) * sIn + k)
                k += Self.lanes
            }
            o += 4
        }
        while o < units {
            var k = 0
            while k < sIn {
                var a = Vector()
                for r in 0..<rows { a += d[r * sOut + o] * Self.load(x + r * sIn + k) }
                Self.store(a, gw + o * sIn + k)
                k += Self.lanes
            }
            o += 1
        }
        // db = Σ_b d[b, :]
        var k = 0
        while k < sOut {
            var a = Vector()
            for r in 0..<rows { a += Self.load(d + r * sOut + k) }
            Self.store(a, gb + k)
            k += Self.lanes
        }
        guard propagate else { return }
        // dx[b, :] = (Σ_o d[b, o] · W[o, :]) ⊙ (x[b, :] > 0), four rows at a time sharing each weight load.
        let w = UnsafePointer(weights(layer)), dx = deltas[layer]
        var r = 0
        while r + 4 <= rows {
            let d0 = d + r * sOut, d1 = d0 + sOut, d2 = d1 + sOut, d3 = d2 + sOut
            var k = 0
            while k < sIn {
                var a0 = Vector(), a1 = Vector(), a2 = Vector(), a3 = Vector()
                for o in 0..<units {
                    let wv = Self.load(w + o * sIn + k)
                    a0 += d0[o] * wv
                    a1 += d1[o] * wv
                    a2 += d2[o] * wv
                    a3 += d3[o] * wv
                }
                let zero = Vector()
                Self.store(a0.replacing(with: 0, where: Self.load(x + r * sIn + k) .<= zero), dx + r * sIn + k)
                Self.store(a1.replacing(with: 0, where: Self.load(x + (r + 1) * sIn + k) .<= zero), dx + (r + 1) * sIn + k)
                Self.store(a2.replacing(with: 0, where: Self.load(x + (r + 2) * sIn + k) .<= zero), dx + (r + 2) * sIn + k)
                Self.store(a3.replacing(with: 0, where: Self.load(x + (r + 3) * sIn + k) .<= zero), dx + (r + 3) * sIn + k)
                k += Self.lanes
            }
            r += 4
        }
        while r < rows {
            let dr = d + r * sOut
            var k = 0
            while k < sIn {
                var a = Vector()
                for o in 0..<units { a += dr[o] * Self.load(w + o * sIn + k) }
                Self.store(a.replacing(with: 0, where: Self.load(x + r * sIn + k) .<= Vector()), dx + r * sIn + k)
                k += Self.lanes
            }
            r += 1
        }
    }

    /// Adds the L2 gradient `l2 · w` to every layer's weight gradients.
    func addWeightDecay(_ l2: Float) {
        guard l2 > 0 else { return }
        for layer in 0..<layerCount {
            let count = sizes[layer + 1] * strides[layer]
            let w = weights(layer), g = gradients + weightOffsets[layer]
            var i = 0
            while i < count {
                Self.store(Self.load(g + i) + l2 * Self.load(w + i), g + i)
                i += Self.lanes
            }
        }
    }

    /// One Adam step over every parameter (β₁ 0.9, β₂ 0.999, ε 1e-8), bias-corrected for step `t` (1-based).
    func adamStep(learningRate: Float, t: Int) {
        let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
        let c1 = 1 - pow(beta1, t), c2 = 1 - pow(beta2, t)
        let stepSize = learningRate * squareRoot(c2) / c1
        let epsHat = epsilon * squareRoot(c2)
        var i = 0
        while i < parameterCount {
            let g = Self.load(gradients + i)
            let m = beta1 * Self.load(firstMoments + i) + (1 - beta1) * g
            let v = beta2 * Self.load(secondMoments + i) + (1 - beta2) * (g * g)
            Self.store(m, firstMoments + i)
            Self.store(v, secondMoments + i)
            let p = Self.load(parameters + i) - stepSize * m / (v.squareRoot() + epsHat)
            Self.store(p, parameters + i)
            i += Self.lanes
        }
    }

    private func pow(_ base: Float, _ n: Int) -> Float {
        var result: Float = 1, b = base, e = n
        while e > 0 {
            if e & 1 == 1 { result *= b }
            b *= b
            e >>= 1
        }
        return result
    }

    /// Zeroes Adam's moments (and gradients) for a fresh run on the same workspace.
    func resetOptimizer() {
        gradients.update(repeating: 0, count: parameterCount)
        firstMoments.update(repeating: 0, count: parameterCount)
        secondMoments.update(repeating: 0, count: parameterCount)
    }

    func saveBest() { best.update(from: parameters, count: parameterCount) }
    func restoreBest() { parameters.update(from: best, count: parameterCount) }

    /// The unpadded network held in the parameters.
    func network() -> MultilayerPerceptron {
        var layers: [DenseLayer] = []
        for layer in 0..<layerCount {
            let nIn = sizes[layer], nOut = sizes[layer + 1], sIn = strides[layer]
            var w: [Float] = []
            w.reserveCapacity(nIn * nOut)
            for o in 0..<nOut {
                w += UnsafeBufferPointer(start: weights(layer) + o * sIn, count: nIn)
            }
            let b = Array(UnsafeBufferPointer(start: biases(layer), count: nOut))
            layers.append(DenseLayer(weights: w, biases: b, inputCount: nIn, outputCount: nOut, relu: layer + 1 < layerCount))
        }
        return MultilayerPerceptron(layers: layers)
    }
}
