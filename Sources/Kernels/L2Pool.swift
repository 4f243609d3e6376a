// L2_POOL_2D (pooling.cc L2EvalFloat, reference_ops::L2Pool), float32 only as in TFLite and TFLite Micro: the
// square root of the mean of the squares over the window's in-bounds elements, then the fused activation's clamp.
// The sum runs in the reference's order (filter rows, then columns) in single precision, without fused
// multiply-adds, so the results are the reference's bit for bit.

/// L2_POOL_2D over NHWC float32. `p.outputMin`/`outputMax` are unused; the float clamp is `activationMin…Max`.
@inlinable
public func l2Pool2D(_ p: PoolParameters, activationMin: Float, activationMax: Float, input: UnsafePointer<Float>,
                     output: UnsafeMutablePointer<Float>) {
    let c = p.channels
    for b in 0..<p.batches {
        for oy in 0..<p.outputHeight {
            let originY = oy * p.strideHeight - p.paddingTop
            let y0 = Swift.max(0, -originY), y1 = Swift.min(p.filterHeight, p.inputHeight - originY)
            for ox in 0..<p.outputWidth {
                let originX = ox * p.strideWidth - p.paddingLeft
                let x0 = Swift.max(0, -originX), x1 = Swift.min(p.filterWidth, p.inputWidth - originX)
                let out = output + ((b * p.outputHeight + oy) * p.outputWidth + ox) * c
                for ch in 0..<c {
                    var sum: Float = 0
                    var n = 0
                    if y0 < y1 && x0 < x1 {
                        for fy in y0..<y1 {
                            let row = input + ((b * p.inputHeight + originY + fy) * p.inputWidth) * c + ch
                            for fx in x0..<x1 {
                                let v = row[(originX + fx) * c]
                                let square = v * v
                                sum += square
                                n += 1
                            }
                        }
                    }
                    // An empty window divides 0 by 0 as the reference does (NaN, then the clamp).
                    let result = (sum / Float(n)).squareRoot()
                    out[ch] = Swift.min(Swift.max(result, activationMin), activationMax)
                }
            }
        }
    }
}
