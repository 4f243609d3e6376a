// Int8 TRANSPOSE_CONV (transpose_conv.cc, reference_integer_ops::TransposeConv): every input pixel scatters
// (x − zp_in) · w into the output positions its filter covers, accumulated in int32 scratch; then bias, the
// per-channel multiplier, the output zero point and the activation clamp. Filter layout [out, h, w, in].

/// Prepared geometry and requantisation of an int8 TRANSPOSE_CONV.
public struct TransposeConvParameters: Sendable, Equatable {
    public var batches: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var inputDepth: Int
    public var filterHeight: Int
    public var filterWidth: Int
    public var outputHeight: Int
    public var outputWidth: Int
    public var outputDepth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var padTop: Int
    public var padLeft: Int
    public var inputOffset: Int32
    public var outputOffset: Int32
    public var multipliers: [QuantizedMultiplier]
    public var outputMin: Int32
    public var outputMax: Int32
    /// The per-channel multipliers and shifts laid out lane by lane over lcm(outputDepth, 8) consecutive outputs, so
    /// eight outputs of any channel pattern requantise as one vector (channel = element index mod outputDepth).
    public var laneMultipliers: [Int32]
    public var laneShifts: [Int32]

    /// `same`: TFLite's SAME padding computed over the output size (ComputePaddingHeightWidth on the output).
    public init(inputShape: [Int], filterShape: [Int], outputShape: [Int], strideHeight: Int, strideWidth: Int, same: Bool,
                inputScale: Float, inputZeroPoint: Int32, filterScales: [Float], outputScale: Float, outputZeroPoint: Int32,
                outputMin: Int32, outputMax: Int32) throws(KernelPreparationError) {
        guard inputShape.count == 4, filterShape.count == 4, outputShape.count == 4 else {
            throw .incompatibleShapes("TRANSPOSE_CONV needs 4-D input, filter and output")
        }
        guard inputShape[3] == filterShape[3], filterShape[0] == outputShape[3], inputShape[0] == outputShape[0] else {
            throw .incompatibleShapes("input \(inputShape), filter \(filterShape) and output \(outputShape) do not match")
        }
        guard strideHeight >= 1, strideWidth >= 1, strideHeight < 1 << 16, strideWidth < 1 << 16 else {
            throw .incompatibleShapes("strides \(strideHeight)×\(strideWidth) are invalid")
        }
        guard filterScales.count == 1 || filterScales.count == filterShape[0] else {
            throw .incompatibleShapes("\(filterScales.count) filter scales for \(filterShape[0]) output channels")
        }
        batches = inputShape[0]; inputHeight = inputShape[1]; inputWidth = inputShape[2]; inputDepth = inputShape[3]
        filterHeight = filterShape[1]; filterWidth = filterShape[2]
        outputHeight = outputShape[1]; outputWidth = outputShape[2]; outputDepth = outputShape[3]
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        func padding(_ size: Int, _ stride: Int, _ filter: Int) -> Int {
            guard same else { return 0 }
            let out = (size + stride - 1) / stride
            return Swift.max((out - 1) * stride + filter - size, 0) / 2
        }
        padTop = padding(outputHeight, strideHeight, filterHeight)
        padLeft = padding(outputWidth, strideWidth, filterWidth)
        inputOffset = -inputZeroPoint
        outputOffset = outputZeroPoint
        multipliers = (0..<filterShape[0]).map { c in
            let s = filterScales.count == 1 ? filterScales[0] : filterScales[c]
            return QuantizedMultiplier(Double(inputScale) * Double(s) / Double(outputScale))
        }
        self.outputMin = outputMin
        self.outputMax = outputMax
        let depth = outputDepth, multipliers = self.multipliers
        var period = depth
        while period % 8 != 0 { period += depth }
        laneMultipliers = (0..<period).map { multipliers[$0 % depth].multiplier }
        laneShifts = (0..<period).map { multipliers[$0 % depth].shift }
    }

    public var outputCount: Int { batches * outputHeight * outputWidth * outputDepth }
}

/// The scatter both TRANSPOSE_CONV kernels share: every input pixel adds (x − zp_in) · w into the accumulators of the
/// output positions its filter covers. `scratch` holds `outputCount` Int32, already initialised by the caller.
@inlinable
func transposeConvScatter(_ p: TransposeConvParameters, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>,
                          into scratch: UnsafeMutablePointer<Int32>) {
    let ic = p.inputDepth, oc = p.outputDepth
    for b in 0..<p.batches {
        for iy in 0..<p.inputHeight {
            for ix in 0..<p.inputWidth {
                let pixel = input + ((b * p.inputHeight + iy) * p.inputWidth + ix) * ic
                let oy0 = iy * p.strideHeight - p.padTop, ox0 = ix * p.strideWidth - p.padLeft
                for fy in 0..<p.filterHeight {
                    let oy = oy0 + fy
                    guard oy >= 0 && oy < p.outputHeight else { continue }
                    for fx in 0..<p.filterWidth {
                        let ox = ox0 + fx
                        guard ox >= 0 && ox < p.outputWidth else { continue }
                        let acc = scratch + ((b * p.outputHeight + oy) * p.outputWidth + ox) * oc
                        for o in 0..<oc {
                            let w = filter + ((o * p.filterHeight + fy) * p.filterWidth + fx) * ic
                            var sum: Int32 = 0
                            for i in 0..<ic { sum &+= (Int32(pixel[i]) + p.inputOffset) * Int32(w[i]) }
                            acc[o] &+= sum
                        }
                    }
                }
            }
        }
    }
}

/// Int8 TRANSPOSE_CONV. `scratch` holds `outputCount` Int32 (caller-owned); `bias` may be nil. The scatter is the
/// reference's; the accumulators start from the bias (wrapping sums are associative) and requantise eight at a time.
@inlinable
public func transposeConv(_ p: TransposeConvParameters, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
                          scratch: UnsafeMutablePointer<Int32>, output: UnsafeMutablePointer<Int8>) {
    let oc = p.outputDepth, count = p.outputCount
    if let bias {
        var i = 0
        while i < count { (scratch + i).update(from: bias, count: oc); i += oc }
    } else {
        scratch.update(repeating: 0, count: count)
    }
    transposeConvScatter(p, input: input, filter: filter, into: scratch)
    p.laneMultipliers.withUnsafeBufferPointer { multipliers in
        p.laneShifts.withUnsafeBufferPointer { shifts in
            let period = multipliers.count
            var i = 0, lane = 0
            while i + 8 <= count {
                let m = SIMD8<Int32>(multipliers[lane ..< lane + 8]), s = SIMD8<Int32>(shifts[lane ..< lane + 8])
                let acc = SIMD8<Int32>(UnsafeBufferPointer(start: scratch + i, count: 8))
                Int8.store8(requantize8(acc, multiplier: m, shift: s, zeroPoint: p.outputOffset, min: p.outputMin, max: p.outputMax),
                            to: output + i)
                i += 8
                lane += 8
                if lane == period { lane = 0 }
            }
            while i < count {
                let v = multiplyByQuantizedMultiplier(scratch[i], multipliers[lane], shifts[lane]) &+ p.outputOffset
                output[i] = Int8(Swift.min(p.outputMax, Swift.max(p.outputMin, v)))
                i += 1
                lane += 1
            }
        }
    }
}

/// The plain twin of ``transposeConv(_:input:filter:bias:scratch:output:)``: the reference loops, requantised element by element.
@inlinable
public func transposeConvReference(_ p: TransposeConvParameters, input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
                          scratch: UnsafeMutablePointer<Int32>, output: UnsafeMutablePointer<Int8>) {
    scratch.update(repeating: 0, count: p.outputCount)
    let oc = p.outputDepth
    transposeConvScatter(p, input: input, filter: filter, into: scratch)
    let count = p.outputCount
    var i = 0
    while i < count {
        for o in 0..<oc {
            var acc = scratch[i + o]
            if let bias { acc &+= bias[o] }
            let m = p.multipliers[o]
            acc = multiplyByQuantizedMultiplier(acc, m.multiplier, m.shift) &+ p.outputOffset
            output[i + o] = Int8(Swift.min(p.outputMax, Swift.max(p.outputMin, acc)))
        }
        i += oc
    }
}
