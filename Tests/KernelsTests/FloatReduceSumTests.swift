import Kernels
import XCTest

/// Float32 SUM in LiteRT's reference order: each output starts at 0 and takes its inputs in row-major order.
final class FloatReduceSumTests: XCTestCase {
    private func sum(_ input: [Float], shape: [Int], axes: [Int]) -> [Float] {
        let map = reductionIndexMap(inputShape: shape, axes: axes)
        let outputCount = shape.indices.filter { !axes.contains($0) }.map { shape[$0] }.reduce(1, *)
        var output = [Float](repeating: .nan, count: outputCount)
        input.withUnsafeBufferPointer { i in
            map.withUnsafeBufferPointer { m in
                output.withUnsafeMutableBufferPointer { o in
                    floatReduceSum(input: i.baseAddress!, outputIndex: m.baseAddress!, inputCount: input.count,
                                   output: o.baseAddress!, outputCount: outputCount)
                }
            }
        }
        return output
    }

    func testReducesTheGivenAxes() {
        let x = (0..<24).map(Float.init)   // shape [2, 3, 4]
        XCTAssertEqual(reductionIndexMap(inputShape: [2, 3, 4], axes: [1]).prefix(8), [0, 1, 2, 3, 0, 1, 2, 3])
        XCTAssertEqual(sum(x, shape: [2, 3, 4], axes: [1]), [12, 15, 18, 21, 48, 51, 54, 57])
        XCTAssertEqual(sum(x, shape: [2, 3, 4], axes: [0, 2]), [60, 92, 124])
        XCTAssertEqual(sum(x, shape: [2, 3, 4], axes: [0, 1, 2]), [276])
        XCTAssertEqual(sum(x, shape: [2, 3, 4], axes: []), x)
    }

    func testAddsInRowMajorOrderFromZero() {
        // Float addition is not associative, so the order shows: ((0 + 1e8) + 1) − 1e8 is 0 (1e8 + 1 rounds to 1e8),
        // ((0 + 1e8) − 1e8) + 1 is 1.
        XCTAssertEqual(sum([1e8, 1, -1e8], shape: [3], axes: [0]), [0])
        XCTAssertEqual(sum([1, 1e8, -1e8], shape: [3], axes: [0]), [0])
        XCTAssertEqual(sum([1e8, -1e8, 1], shape: [3], axes: [0]), [1])
    }
}
