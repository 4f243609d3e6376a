import Kernels
import Runtime
import TestSupport
import TFLite
import XCTest

/// Results must not depend on the thread count: 1, 2 and 3 threads give the same bytes on every conformance
/// model, under the default microkernel and under every other one this CPU runs, for the fixture inputs and for
/// pseudo-random ones (which reach other requantisation and clamping paths than the fixtures' cases).
final class ThreadCountTests: XCTestCase {
    private struct Cases: Decodable {
        struct Case: Decodable { var `case`: Int }
        var cases: [Case]
    }

    func testOutputsAreIdenticalForOneTwoAndThreeThreads() throws {
        try compareThreadCounts(microkernel: nil)
    }

    func testOutputsAreIdenticalForEveryThreadCountUnderEveryMicrokernel() throws {
        for kernel in Microkernel.available where kernel != Microkernel.selected {
            try compareThreadCounts(microkernel: kernel)
        }
    }

    /// Back-to-back invokes on a pool, with pauses long enough for the worker to fall asleep between some of
    /// them: every result is the one-thread result (the pool's wake-up at the start of an invoke loses nothing).
    func testAPoolThatSleptBetweenInvokesGivesTheSameResult() throws {
        let name = "vww_96_int8"
        let model = try Model(bytes: Fixtures.bytes("\(name)/model.tflite"))
        let input = try Fixtures.bytes("\(name)/case-0.in-0.bin")
        let single = try Interpreter(model: model, threads: 1)
        try single.setInput(0, input)
        single.invoke()
        let expected = single.outputBytes(0)
        let pooled = try Interpreter(model: model, threads: 2)
        for round in 0..<6 {
            // Longer than the pool's idle spin (0.2 ms) on odd rounds, so the worker sleeps and is woken.
            if round % 2 == 1 { usleep(5_000) }
            try pooled.setInput(0, input)
            pooled.invoke()
            XCTAssertEqual(pooled.outputBytes(0), expected, "round \(round)")
        }
    }

    private func compareThreadCounts(microkernel: Microkernel?) throws {
        let names = Fixtures.conformanceModels
        XCTAssertFalse(names.isEmpty)
        let label = microkernel?.rawValue ?? Microkernel.selected.rawValue
        for name in names {
            let model = try Model(bytes: Fixtures.bytes("\(name)/model.tflite"))
            let interpreters = try [1, 2, 3].map { try Interpreter(model: model, threads: $0, microkernel: microkernel) }
            let cases = try JSONDecoder().decode(Cases.self, from: Data(Fixtures.bytes("\(name)/cases.json"))).cases
            var inputSets: [[[UInt8]]] = try cases.map { c in
                try interpreters[0].inputs.indices.map { try Fixtures.bytes("\(name)/case-\(c.case).in-\($0).bin") }
            }
            // Pseudo-random bytes only for integer inputs (random floats could be NaN or huge).
            if interpreters[0].inputs.allSatisfy({ $0.type == .int8 || $0.type == .uint8 }) {
                var state: UInt64 = 0x9E37_79B9_7F4A_7C15
                inputSets.append(interpreters[0].inputs.map { info in
                    (0..<info.byteCount).map { _ in
                        state = state &* 6364136223846793005 &+ 1442695040888963407
                        return UInt8(truncatingIfNeeded: state >> 56)
                    }
                })
            }
            for (set, inputs) in inputSets.enumerated() {
                var results: [[[UInt8]]] = []
                for interpreter in interpreters {
                    for (i, bytes) in inputs.enumerated() { try interpreter.setInput(i, bytes) }
                    interpreter.invoke()
                    results.append(interpreter.outputs.indices.map { interpreter.outputBytes($0) })
                }
                XCTAssertEqual(results[1], results[0], "\(name) input set \(set), 2 vs 1 threads, \(label)")
                XCTAssertEqual(results[2], results[0], "\(name) input set \(set), 3 vs 1 threads, \(label)")
            }
        }
    }
}
