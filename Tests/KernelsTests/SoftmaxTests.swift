import Kernels
import XCTest

/// The table-driven SOFTMAX and LOG_SOFTMAX against their plain twins (TFLite's reference loops, exp per element): byte for byte.
final class SoftmaxTests: XCTestCase {
    func testTheExpTableGivesTheReferenceBytes() {
        var random = SystemRandomNumberGenerator()
        for trial in 0..<300 {
            let outer = Int.random(in: 1...4, using: &random)
            let depth = [1, 2, 3, 10, 12, 100, 1001][trial % 7]
            let beta = Float.random(in: 0.05...3, using: &random)
            let scale = Float.random(in: 0.001...0.5, using: &random)
            let p = SoftmaxParameters(outerSize: outer, depth: depth, beta: beta, inputScale: scale)
            var signed = (0..<outer * depth).map { _ in Int8.random(in: .min ... .max, using: &random) }
            if trial % 5 == 0 { signed = signed.map { _ in 7 } }                     // every class equal
            if trial % 5 == 1 { signed = signed.enumerated().map { $0.offset % 2 == 0 ? .min : .max } }   // the widest differences
            let unsigned = signed.map { UInt8(bitPattern: $0) }
            XCTAssertEqual(run(p, signed, softmax), run(p, signed, softmaxReference), "int8, trial \(trial), beta \(beta), scale \(scale)")
            XCTAssertEqual(run(p, unsigned, softmax), run(p, unsigned, softmaxReference), "uint8, trial \(trial), beta \(beta), scale \(scale)")
        }
    }

    func testTheTableMarksDifferencesBelowTheRadius() {
        // A large beta × scale puts the radius inside the 8-bit range: those differences read −1 (output minimum).
        let p = SoftmaxParameters(outerSize: 1, depth: 2, beta: 1, inputScale: 0.5)
        XCTAssertEqual(p.expOfDifference.count, 256)
        XCTAssertEqual(p.expOfDifference[0], Int32.max, "exp(0) is one in Q0.31")
        XCTAssertTrue(p.expOfDifference.contains(-1))
        XCTAssertEqual(p.expOfDifference.firstIndex(of: -1), Int(-p.diffMin) + 1)
    }

    func testTheLogSoftmaxTablesGiveTheReferenceBytes() {
        var random = SystemRandomNumberGenerator()
        for trial in 0..<300 {
            let outer = Int.random(in: 1...4, using: &random)
            let depth = [1, 2, 3, 10, 12, 100, 1001][trial % 7]
            let p = LogSoftmaxParameters(outer: outer, depth: depth, inputScale: Float.random(in: 0.001...0.5, using: &random))
            var input = (0..<outer * depth).map { _ in Int8.random(in: .min ... .max, using: &random) }
            if trial % 5 == 0 { input = input.map { _ in -3 } }
            if trial % 5 == 1 { input = input.enumerated().map { $0.offset % 2 == 0 ? .min : .max } }
            var fast = [Int8](repeating: 0, count: input.count), reference = fast
            input.withUnsafeBufferPointer { i in
                fast.withUnsafeMutableBufferPointer { logSoftmax(p, input: i.baseAddress!, output: $0.baseAddress!) }
                reference.withUnsafeMutableBufferPointer { logSoftmaxReference(p, input: i.baseAddress!, output: $0.baseAddress!) }
            }
            XCTAssertEqual(fast, reference, "trial \(trial), depth \(depth)")
        }
    }

    private func run<T: FixedWidthInteger>(_ p: SoftmaxParameters, _ input: [T],
                                           _ kernel: (SoftmaxParameters, UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void) -> [T] {
        var output = [T](repeating: 0, count: input.count)
        input.withUnsafeBufferPointer { i in output.withUnsafeMutableBufferPointer { kernel(p, i.baseAddress!, $0.baseAddress!) } }
        return output
    }
}
