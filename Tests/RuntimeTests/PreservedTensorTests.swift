import CAllocationCounter
import Runtime
import TestSupport
import TFLite
import XCTest

/// Preserving an intermediate tensor keeps its bytes readable after `invoke` without changing any output, growing
/// the arena by more than the tensor, or allocating in `invoke`.
final class PreservedTensorTests: XCTestCase {
    /// Penultimate activations of the fixture models (the drift sketches' embedding tensors).
    static let penultimate = ["kws_ref_model": "functional_1/flatten/Reshape", "vww_96_int8": "model/flatten/Reshape"]

    func testPreservedTensorSurvivesInvokeAndCostsAtMostItsSize() throws {
        for (name, tensorName) in Self.penultimate.sorted(by: { $0.key < $1.key }) {
            let model = try Model(bytes: Fixtures.bytes("\(name)/model.tflite"))
            let plain = try Interpreter(model: model)
            let index = try XCTUnwrap(plain.tensorIndex(named: tensorName), name)
            let preserving = try Interpreter(model: model, preserving: [index])
            // Every intermediate survives with the linear planner: the reference for the preserved bytes.
            let linear = try Interpreter(model: model, planner: LinearMemoryPlanner())
            let info = try XCTUnwrap(preserving.tensorInfo(index))
            XCTAssertEqual(info.name, tensorName)
            XCTAssertEqual(preserving.preservedTensors, [index])
            XCTAssertNil(plain.preservedBuffer(index), "not preserved: its memory is reused")
            XCTAssertLessThanOrEqual(preserving.arenaBytes, plain.arenaBytes + info.byteCount, name)
            for number in 0..<2 {
                let input = try Fixtures.bytes("\(name)/case-\(number).in-0.bin")
                for interpreter in [plain, preserving, linear] {
                    try interpreter.setInput(0, input)
                    interpreter.invoke()
                }
                XCTAssertEqual(preserving.outputBytes(0), try Fixtures.bytes("\(name)/case-\(number).ref-0.bin"), "\(name): still byte-exact")
                XCTAssertEqual(preserving.outputBytes(0), plain.outputBytes(0))
                let preserved = Array(try XCTUnwrap(preserving.preservedBuffer(index)))
                XCTAssertEqual(preserved, linear.tensorBytes(index), "\(name) case \(number): the preserved activations")
                XCTAssertGreaterThan(Set(preserved).count, 1, "real activations, not zeroed memory")
            }
            edgefleet_allocation_counting_begin()
            preserving.invoke()
            let allocations = edgefleet_allocation_counting_end()
            XCTAssertEqual(allocations, 0, "\(name): invoke with a preserved tensor allocated")
        }
    }

    func testPreservingAConstantOrAMissingTensorIsRefused() throws {
        let model = try Model(bytes: Fixtures.bytes("kws_ref_model/model.tflite"))
        let constant = try XCTUnwrap(model.mainGraph.tensors.indices.first { !model.data(of: model.mainGraph.tensors[$0]).isEmpty })
        for bad in [constant, model.mainGraph.tensors.count, -1] {
            XCTAssertThrowsError(try Interpreter(model: model, preserving: [bad])) { error in
                XCTAssertEqual((error as? RuntimeError)?.code, .invalidInput, "\(error)")
            }
        }
    }
}
