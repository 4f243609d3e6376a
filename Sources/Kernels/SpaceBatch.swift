// SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND on 4-D NHWC (or 3-D NHC, treated as NH1C) tensors
// (space_to_batch_nd.cc / batch_to_space_nd.cc, reference headers of the same names). Pure data movement;
// dilated convolutions are lowered to this pair. SPACE_TO_BATCH_ND pads 8-bit tensors with the output zero
// point (TFLite memsets its low byte), float tensors with 0.

/// Prepared geometry of SPACE_TO_BATCH_ND.
public struct SpaceToBatchParameters: Sendable, Equatable {
    /// NHWC geometry, block and leading padding/crop (3-D tensors have width 1, block width 1).
    public var inputBatch: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var depth: Int
    public var outputBatch: Int
    public var outputHeight: Int
    public var outputWidth: Int
    public var blockHeight: Int
    public var blockWidth: Int
    public var padTop: Int
    public var padLeft: Int
    /// The output shape, at the input's rank.
    public var outputShape: [Int]

    /// `blockShape` has one entry per spatial dimension, `paddings` two (before, after) per spatial dimension,
    /// flattened as in the paddings tensor. Throws unless each padded extent is a multiple of its block.
    public init(inputShape: [Int], blockShape: [Int], paddings: [Int]) throws(KernelPreparationError) {
        guard inputShape.count == 3 || inputShape.count == 4 else {
            throw .incompatibleShapes("SPACE_TO_BATCH_ND supports 3-D and 4-D inputs, got \(inputShape)")
        }
        let spatial = inputShape.count - 2
        guard blockShape.count == spatial && paddings.count == 2 * spatial else {
            throw .incompatibleShapes("block_shape / paddings do not match \(spatial) spatial dimensions")
        }
        var out = inputShape
        var batch = inputShape[0]
        for d in 0..<spatial {
            let padded = inputShape[d + 1] + paddings[2 * d] + paddings[2 * d + 1]
            guard blockShape[d] > 0 && padded % blockShape[d] == 0 && paddings[2 * d] >= 0 && paddings[2 * d + 1] >= 0
            else {
                throw .incompatibleShapes("padded extent \(padded) is not a multiple of block \(blockShape[d])")
            }
            out[d + 1] = padded / blockShape[d]
            batch *= blockShape[d]
        }
        out[0] = batch
        outputShape = out
        inputBatch = inputShape[0]
        inputHeight = inputShape[1]
        inputWidth = spatial == 2 ? inputShape[2] : 1
        depth = inputShape[inputShape.count - 1]
        outputBatch = batch
        outputHeight = out[1]
        outputWidth = spatial == 2 ? out[2] : 1
        blockHeight = blockShape[0]
        blockWidth = spatial == 2 ? blockShape[1] : 1
        padTop = paddings[0]
        padLeft = spatial == 2 ? paddings[2] : 0
    }
}

/// SPACE_TO_BATCH_ND: output batch `(sh · bw + sw) · inBatch + b` holds the padded input's pixels at offset
/// (sh, sw) of each block. Padding pixels get `padValue` (the output zero point for 8-bit tensors, 0 for float).
///
/// `input` and `output` hold their shapes' elements (NHWC) and must not alias.
@inlinable
public func spaceToBatch<T>(_ p: SpaceToBatchParameters, input: UnsafePointer<T>, output: UnsafeMutablePointer<T>,
                            padValue: T) {
    let depth = p.depth
    var out = output
    for outB in 0..<p.outputBatch {
        let inB = outB % p.inputBatch
        let shiftW = (outB / p.inputBatch) % p.blockWidth
        let shiftH = (outB / p.inputBatch) / p.blockWidth
        for outH in 0..<p.outputHeight {
            let h = outH * p.blockHeight + shiftH - p.padTop
            for outW in 0..<p.outputWidth {
                let w = outW * p.blockWidth + shiftW - p.padLeft
                if h < 0 || h >= p.inputHeight || w < 0 || w >= p.inputWidth {
                    out.update(repeating: padValue, count: depth)
                } else {
                    out.update(from: input + ((inB * p.inputHeight + h) * p.inputWidth + w) * depth, count: depth)
                }
                out += depth
            }
        }
    }
}

/// Prepared geometry of BATCH_TO_SPACE_ND.
public struct BatchToSpaceParameters: Sendable, Equatable {
    /// NHWC geometry, block and leading padding/crop (3-D tensors have width 1, block width 1).
    public var inputBatch: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var depth: Int
    public var outputBatch: Int
    public var outputHeight: Int
    public var outputWidth: Int
    public var blockHeight: Int
    public var blockWidth: Int
    public var cropTop: Int
    public var cropLeft: Int
    /// The output shape, at the input's rank.
    public var outputShape: [Int]

    /// `blockShape` has one entry per spatial dimension, `crops` two (before, after) per spatial dimension,
    /// flattened. Throws unless the batch divides by the block product and crops leave a non-negative extent.
    public init(inputShape: [Int], blockShape: [Int], crops: [Int]) throws(KernelPreparationError) {
        guard inputShape.count == 3 || inputShape.count == 4 else {
            throw .incompatibleShapes("BATCH_TO_SPACE_ND supports 3-D and 4-D inputs, got \(inputShape)")
        }
        let spatial = inputShape.count - 2
        guard blockShape.count == spatial && crops.count == 2 * spatial else {
            throw .incompatibleShapes("block_shape / crops do not match \(spatial) spatial dimensions")
        }
        let blockProduct = blockShape.reduce(1, *)
        guard blockProduct > 0 && inputShape[0] % blockProduct == 0 else {
            throw .incompatibleShapes("batch \(inputShape[0]) is not a multiple of the block product \(blockProduct)")
        }
        var out = inputShape
        out[0] = inputShape[0] / blockProduct
        for d in 0..<spatial {
            let extent = inputShape[d + 1] * blockShape[d] - crops[2 * d] - crops[2 * d + 1]
            guard crops[2 * d] >= 0 && crops[2 * d + 1] >= 0 && extent >= 0 else {
                throw .incompatibleShapes("crops exceed the extent of dimension \(d + 1)")
            }
            out[d + 1] = extent
        }
        outputShape = out
        inputBatch = inputShape[0]
        inputHeight = inputShape[1]
        inputWidth = spatial == 2 ? inputShape[2] : 1
        depth = inputShape[inputShape.count - 1]
        outputBatch = out[0]
        outputHeight = out[1]
        outputWidth = spatial == 2 ? out[2] : 1
        blockHeight = blockShape[0]
        blockWidth = spatial == 2 ? blockShape[1] : 1
        cropTop = crops[0]
        cropLeft = spatial == 2 ? crops[2] : 0
    }
}

/// BATCH_TO_SPACE_ND: the inverse interleave of SPACE_TO_BATCH_ND, dropping cropped pixels.
///
/// `input` and `output` hold their shapes' elements (NHWC) and must not alias. Every output pixel is written.
@inlinable
public func batchToSpace<T>(_ p: BatchToSpaceParameters, input: UnsafePointer<T>, output: UnsafeMutablePointer<T>) {
    let depth = p.depth
    for inB in 0..<p.inputBatch {
        let outB = inB % p.outputBatch
        let spatialOffset = inB / p.outputBatch
        for inH in 0..<p.inputHeight {
            let outH = inH * p.blockHeight + spatialOffset / p.blockWidth - p.cropTop
            if outH < 0 || outH >= p.outputHeight { continue }
            for inW in 0..<p.inputWidth {
                let outW = inW * p.blockWidth + spatialOffset % p.blockWidth - p.cropLeft
                if outW < 0 || outW >= p.outputWidth { continue }
                let src = input + ((inB * p.inputHeight + inH) * p.inputWidth + inW) * depth
                let dst = output + ((outB * p.outputHeight + outH) * p.outputWidth + outW) * depth
                dst.update(from: src, count: depth)
            }
        }
    }
}
