import Kernels
import Runtime
import TestSupport
import TFLite
import XCTest

/// Every fixture model, every case, byte for byte against TFLite's reference kernels.
final class ConformanceTests: XCTestCase {
    private struct Cases: Decodable {
        struct Case: Decodable { var `case`: Int }
        var cases: [Case]
    }

    func testEveryFixtureIsByteExact() throws {
        try checkEveryFixture(threads: 1)
    }

    func testEveryFixtureIsByteExactWithAWorkerPool() throws {
        try checkEveryFixture(threads: 3)
    }

    /// Every fixture under every GEMM microkernel this CPU runs, each forced in turn (the default one is covered
    /// above): on the build machine AVX-512 VNNI, AVX-VNNI, the AVX2 fallback and the portable twins.
    func testEveryFixtureIsByteExactUnderEveryMicrokernel() throws {
        XCTAssertGreaterThanOrEqual(Microkernel.available.count, 2)
        for kernel in Microkernel.available where kernel != Microkernel.selected {
            try checkEveryFixture(threads: 1, microkernel: kernel)
        }
    }

    /// The interpreter reports the microkernel each convolution was packed for.
    func testOperatorsReportTheirMicrokernel() throws {
        let model = try Model(bytes: Fixtures.bytes("vww_96_int8/model.tflite"))
        for kernel in Microkernel.available {
            let interpreter = try Interpreter(model: model, microkernel: kernel)
            let paths = zip(interpreter.operatorNames, interpreter.operatorKernels).filter { $0.0 == "CONV_2D" }.map(\.1)
            XCTAssertFalse(paths.isEmpty)
            XCTAssertEqual(Set(paths), [kernel.rawValue])
        }
    }

    private func checkEveryFixture(threads: Int, microkernel: Microkernel? = nil) throws {
        XCTAssertEqual(Fixtures.conformanceModels.count, 54)
        for name in Fixtures.conformanceModels {
            let model = try Model(bytes: Fixtures.bytes("\(name)/model.tflite"))
            let interpreter = try Interpreter(model: model, threads: threads, microkernel: microkernel)
            let cases = try JSONDecoder().decode(Cases.self, from: Data(Fixtures.bytes("\(name)/cases.json"))).cases
            XCTAssertFalse(cases.isEmpty, name)
            for c in cases {
                // Each case from a fresh state (variables unassigned, CALL_ONCE armed), as the fixtures were made.
                interpreter.resetState()
                for i in interpreter.inputs.indices {
                    try interpreter.setInput(i, Fixtures.bytes("\(name)/case-\(c.case).in-\(i).bin"))
                }
                try interpreter.checkedInvoke()
                for j in interpreter.outputs.indices {
                    let expected = try Fixtures.bytes("\(name)/case-\(c.case).ref-\(j).bin")
                    XCTAssertEqual(interpreter.outputBytes(j), expected,
                                   "\(name) case \(c.case) output \(j), microkernel \(microkernel?.rawValue ?? Microkernel.selected.rawValue)")
                }
            }
        }
    }

    func testRepeatedInvokesGiveTheSameResult() throws {
        let model = try Model(bytes: Fixtures.bytes("vww_96_int8/model.tflite"))
        let interpreter = try Interpreter(model: model)
        try interpreter.setInput(0, Fixtures.bytes("vww_96_int8/case-0.in-0.bin"))
        interpreter.invoke()
        let first = interpreter.outputBytes(0)
        for _ in 0..<3 {
            try interpreter.setInput(0, Fixtures.bytes("vww_96_int8/case-0.in-0.bin"))
            interpreter.invoke()
            XCTAssertEqual(interpreter.outputBytes(0), first)
        }
    }
}
