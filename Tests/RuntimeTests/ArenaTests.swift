import Runtime
import TestSupport
import TFLite
import XCTest

final class ArenaTests: XCTestCase {
    /// TFLite Micro's planned activation arena for the same models (Tests/Fixtures/conformance/README.md).
    private let tfliteMicroArena: [String: Int] = [
        "kws_ref_model": 16_000,
        "vww_96_int8": 73_728,
        "pretrainedResnet_quant": 49_152,
        "ad01_int8": 768,
        "tf2_mobilenet_v2_1.0_224_ptq": 1_505_280,
    ]

    func testArenaDoesNotExceedTFLiteMicro() throws {
        for (name, limit) in tfliteMicroArena.sorted(by: { $0.key < $1.key }) {
            let interpreter = try Interpreter(model: Model(bytes: Fixtures.bytes("\(name)/model.tflite")))
            XCTAssertLessThanOrEqual(interpreter.arenaBytes, limit, name)
        }
    }

    func testLinearPlanKeepsEveryIntermediate() throws {
        let model = try Model(bytes: Fixtures.bytes("kws_ref_model/model.tflite"))
        let greedy = try Interpreter(model: model)
        let linear = try Interpreter(model: model, planner: LinearMemoryPlanner())
        XCTAssertGreaterThan(linear.arenaBytes, greedy.arenaBytes)
        try linear.setInput(0, Fixtures.bytes("kws_ref_model/case-0.in-0.bin"))
        try greedy.setInput(0, Fixtures.bytes("kws_ref_model/case-0.in-0.bin"))
        linear.invoke()
        greedy.invoke()
        XCTAssertEqual(linear.outputBytes(0), greedy.outputBytes(0))
        // The first intermediate is still intact after the run.
        let firstOutput = model.mainGraph.operators[0].outputs[0]
        XCTAssertNotNil(linear.tensorBytes(firstOutput))
    }
}

final class GreedyMemoryPlannerTests: XCTestCase {
    func testBuffersAliveTogetherNeverOverlap() {
        var random = SeededGenerator(seed: 42)
        let planner = GreedyMemoryPlanner()
        for _ in 0..<200 {
            let count = Int.random(in: 1...40, using: &random)
            let buffers = (0..<count).map { _ -> PlannedBuffer in
                let first = Int.random(in: 0..<30, using: &random)
                return PlannedBuffer(size: Int.random(in: 1...5000, using: &random), firstUse: first,
                                     lastUse: first + Int.random(in: 0..<8, using: &random))
            }
            let (offsets, arena) = planner.plan(buffers)
            for i in buffers.indices {
                XCTAssertEqual(offsets[i] % 16, 0)
                XCTAssertLessThanOrEqual(offsets[i] + buffers[i].size, arena)
                for j in buffers.indices where j > i {
                    let a = buffers[i], b = buffers[j]
                    guard a.firstUse <= b.lastUse && b.firstUse <= a.lastUse else { continue }
                    let disjoint = offsets[i] + a.size <= offsets[j] || offsets[j] + b.size <= offsets[i]
                    XCTAssertTrue(disjoint, "buffers \(i) and \(j) overlap in time and memory")
                }
            }
        }
    }

    func testBuffersWithDisjointLifetimesShareMemory() {
        let buffers = [
            PlannedBuffer(size: 1000, firstUse: 0, lastUse: 1),
            PlannedBuffer(size: 1000, firstUse: 2, lastUse: 3),
            PlannedBuffer(size: 500, firstUse: 1, lastUse: 2),
        ]
        let (offsets, arena) = GreedyMemoryPlanner().plan(buffers)
        XCTAssertEqual(offsets[0], offsets[1])
        XCTAssertEqual(offsets[2], 1008)
        XCTAssertEqual(arena, 1520)
    }
}
