import CAllocationCounter
import Runtime
import TestSupport
import TFLite
import XCTest

/// `invoke` must not touch the heap: counted with a malloc interposer on every fixture model.
final class AllocationTests: XCTestCase {
    func testInvokeMakesNoHeapAllocation() throws {
        try checkNoAllocation(threads: 1)
    }

    func testInvokeWithAWorkerPoolMakesNoHeapAllocation() throws {
        try checkNoAllocation(threads: 2)
    }

    private func checkNoAllocation(threads: Int) throws {
        // Control flow too: a WHILE runs its condition and body subgraphs several times per invoke, IF a branch,
        // CALL_ONCE its init subgraph on the first invoke, and the variable operators copy into reserved storage.
        for name in ["ops_while_float", "ops_while_int8", "ops_if_float", "ops_variables_float"] {
            XCTAssertTrue(Fixtures.conformanceModels.contains(name), name)
        }
        for name in Fixtures.conformanceModels {
            let interpreter = try Interpreter(model: Model(bytes: Fixtures.bytes("\(name)/model.tflite")), threads: threads)
            for i in interpreter.inputs.indices {
                try interpreter.setInput(i, Fixtures.bytes("\(name)/case-0.in-\(i).bin"))
            }
            interpreter.invoke()
            edgefleet_allocation_counting_begin()
            interpreter.invoke()
            interpreter.invoke()
            let allocations = edgefleet_allocation_counting_end()
            XCTAssertEqual(allocations, 0, "\(name): invoke allocated \(allocations) times")
        }
    }

    func testTheCounterSeesAllocations() {
        edgefleet_allocation_counting_begin()
        let array = (0..<1000).map { $0 * 2 }
        let allocations = edgefleet_allocation_counting_end()
        XCTAssertEqual(array.count, 1000)
        XCTAssertGreaterThan(allocations, 0)
    }
}
