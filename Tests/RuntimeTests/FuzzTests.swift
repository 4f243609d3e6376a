import Runtime
import TestSupport
import TFLite
import XCTest

/// Thousands of mutated and truncated fixture models: each must load and run, or fail with a typed error.
final class FuzzTests: XCTestCase {
    /// The greedy planner, reporting any plan above `ceiling` bytes as over the interpreter's limit (so prepare
    /// refuses it): a mutated sequence length must not make one input cost gigabytes and minutes.
    private struct CappedPlanner: MemoryPlanner {
        var ceiling: Int

        func plan(_ buffers: [PlannedBuffer]) -> (offsets: [Int], arenaSize: Int) {
            let (offsets, arenaSize) = GreedyMemoryPlanner().plan(buffers)
            return (offsets, arenaSize > ceiling ? Interpreter.maximumArenaBytes + 1 : arenaSize)
        }
    }

    private func exercise(_ bytes: [UInt8], arenaCeiling: Int? = nil) -> String {
        let model: Model
        do {
            model = try Model(bytes: bytes)
        } catch {
            return "format"
        }
        do {
            // A mutated WHILE bound (or condition) may loop for ever, as LiteRT would: the limit turns that into an error.
            let interpreter: Interpreter
            if let ceiling = arenaCeiling {
                interpreter = try Interpreter(model: model, planner: CappedPlanner(ceiling: ceiling), whileIterationLimit: 1000)
            } else {
                interpreter = try Interpreter(model: model, whileIterationLimit: 1000)
            }
            for i in interpreter.inputs.indices {
                let buffer = interpreter.inputBuffer(i)
                for b in buffer.indices { buffer[b] = UInt8(truncatingIfNeeded: b &* 31) }
            }
            try interpreter.checkedInvoke()
            for j in interpreter.outputs.indices { _ = interpreter.outputBytes(j) }
            return "ran"
        } catch {
            return "runtime"
        }
    }

    func testMutatedModelsNeverCrash() throws {
        var random = SeededGenerator(seed: 2026)
        var outcomes: [String: Int] = [:]
        for name in ["kws_ref_model", "ad01_int8", "opzoo_elementwise", "opzoo_conv", "pretrainedResnet_quant"] {
            let original = try Fixtures.bytes("\(name)/model.tflite")
            // The flatbuffer's structure (tables, vectors, offsets) sits around the weights; aim most
            // mutations at the first and last few kilobytes where the metadata lives.
            for _ in 0..<600 {
                var bytes = original
                let flips = Int.random(in: 1...4, using: &random)
                for _ in 0..<flips {
                    let position: Int
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: position = Int.random(in: 0..<min(4096, bytes.count), using: &random)
                    case 1: position = Int.random(in: max(0, bytes.count - 8192)..<bytes.count, using: &random)
                    default: position = Int.random(in: 0..<bytes.count, using: &random)
                    }
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
                    case 1: bytes[position] = UInt8.random(in: 0...255, using: &random)
                    default: bytes[position] = [0x00, 0xFF, 0x7F, 0x80].randomElement(using: &random)!
                    }
                }
                outcomes[exercise(bytes), default: 0] += 1
            }
            for _ in 0..<100 {
                let length = Int.random(in: 0..<original.count, using: &random)
                outcomes[exercise(Array(original[0..<length])), default: 0] += 1
            }
        }
        // All three outcomes must occur: otherwise the mutations are not reaching the interesting paths.
        assertEveryOutcome(outcomes)
        print("fuzz outcomes: \(outcomes.sorted { $0.key < $1.key })")
    }

    /// The op-coverage models (data movement, gathers with run-time indices, casts, comparisons, transpose
    /// convolution, batch matmul, lookup tables): small files, so mutations reach the operator tables, options and
    /// constant inputs (begin/end/strides, permutations, axes, paddings, sizes) that prepare must validate.
    func testMutatedOpCoverageModelsNeverCrash() throws {
        let outcomes = try mutationOutcomes(of: Fixtures.conformanceModels.filter { $0.hasPrefix("ops_") }, seed: 1818, mutants: 150,
                                            truncations: 20, maximumEdits: 4, edgeBytes: [0x00, 0xFF, 0x7F, 0x80])
        assertEveryOutcome(outcomes)
        print("fuzz outcomes (op coverage): \(outcomes.sorted { $0.key < $1.key })")
    }

    /// The LSTMs (integer and float): mutations reach the 24-input operator list, the intermediates, the state
    /// tensors' quantisation, the options (time-major, cell clip) and the weights' shapes and scales that prepare
    /// validates before the unchecked kernels run; every one of them must load and run or fail with a typed error.
    func testMutatedLSTMModelsNeverCrash() throws {
        // 1 MiB of arena: a mutated sequence length, batch count or memory size is refused instead of run for minutes.
        let outcomes = try mutationOutcomes(of: ["lstm_int8", "lstm_float", "lstm_float_time_major"], seed: 1805, mutants: 500, truncations: 50,
                                            maximumEdits: 3, edgeBytes: [0x00, 0xFF, 0x7F, 0x80, 0x01], arenaCeiling: 1 << 20)
        assertEveryOutcome(outcomes)
        print("fuzz outcomes (LSTM): \(outcomes.sorted { $0.key < $1.key })")
    }

    /// The SVDFs (integer and float): mutations reach the five-input operator lists (the optional bias, the state
    /// tensor and its variable flag), the rank and activation options, the shapes that must agree (filters, memory,
    /// units, the state's batches × memory·filters) and the scales of the int8 form, all of which prepare validates
    /// before the unchecked kernels run; every one of them must load and run or fail with a typed error.
    func testMutatedSVDFModelsNeverCrash() throws {
        // 1 MiB of arena: a mutated sequence length, batch count or memory size is refused instead of run for minutes.
        let outcomes = try mutationOutcomes(of: ["svdf_int8", "svdf_float", "svdf_hybrid"], seed: 1827, mutants: 500, truncations: 50,
                                            maximumEdits: 3, edgeBytes: [0x00, 0xFF, 0x7F, 0x80, 0x01], arenaCeiling: 1 << 20)
        assertEveryOutcome(outcomes)
        print("fuzz outcomes (SVDF): \(outcomes.sorted { $0.key < $1.key })")
    }

    /// IF, WHILE, CALL_ONCE and the variable operators: byte mutations of the converter's models (subgraph indices,
    /// resource names, the loop bound), then structured ones on the parsed models — every subgraph index set to each
    /// of −1, 0 (the main graph: recursion), the operator's own subgraph (self-recursion), one past the end and a huge
    /// value; inputs or outputs dropped or duplicated (mismatched counts); the condition's type changed. Each must run
    /// or fail with a typed error, never crash or hang.
    func testMutatedControlFlowModelsNeverCrash() throws {
        let names = ["ops_if_float", "ops_if_int8", "ops_while_float", "ops_while_int8", "ops_variables_float", "ops_variables_int8"]
        var outcomes = try mutationOutcomes(of: names, seed: 1818_2, mutants: 300, truncations: 30, maximumEdits: 3,
                                            edgeBytes: [0x00, 0xFF, 0x7F, 0x80, 0x01, 0x02, 0x03])
        for name in names {
            let model = try Model(bytes: Fixtures.bytes("\(name)/model.tflite"))
            let buffers = model.buffers.map { Array(model.bytes[$0.range]) }
            for (g, graph) in model.subgraphs.enumerated() {
                for (o, op) in graph.operators.enumerated() {
                    var variants: [Subgraph] = []
                    if case .scalars(let options) = op.options, [.if, .while, .callOnce].contains(op.opcode) {
                        for field in options.fields {
                            for value: Int32 in [-1, 0, Int32(g), Int32(model.subgraphs.count), Int32.max] {
                                var changed = options
                                changed.set(field.index, withUnsafeBytes(of: value.littleEndian, Array.init))
                                var copy = graph
                                copy.operators[o].options = .scalars(changed)
                                variants.append(copy)
                            }
                        }
                    }
                    if !op.inputs.isEmpty {
                        var dropped = graph
                        dropped.operators[o].inputs.removeLast()
                        var doubled = graph
                        doubled.operators[o].inputs.append(op.inputs.last!)
                        variants += [dropped, doubled]
                        if op.opcode == .if {
                            for type in [TensorType.float32, .int8, .string, .resource] {
                                var retyped = graph
                                retyped.tensors[op.inputs[0]].type = type
                                variants.append(retyped)
                            }
                        }
                    }
                    if !op.outputs.isEmpty {
                        var dropped = graph
                        dropped.operators[o].outputs.removeLast()
                        variants.append(dropped)
                    }
                    for variant in variants {
                        var graphs = model.subgraphs
                        graphs[g] = variant
                        // The writer serialises whatever it is given and reads it back (refusing bad tensor indices).
                        guard let mutated = try? Model(subgraphs: graphs, buffers: buffers) else {
                            outcomes["format", default: 0] += 1
                            continue
                        }
                        outcomes[exercise(mutated.bytes), default: 0] += 1
                    }
                }
            }
        }
        assertEveryOutcome(outcomes)
        print("fuzz outcomes (control flow): \(outcomes.sorted { $0.key < $1.key })")
    }

    /// The outcomes of `mutants` copies of each model with 1…`maximumEdits` random byte edits (a flipped bit, a random
    /// byte or one of `edgeBytes`), then `truncations` random prefixes of it, each loaded and run by ``exercise``.
    private func mutationOutcomes(of models: [String], seed: UInt64, mutants: Int, truncations: Int, maximumEdits: Int,
                                  edgeBytes: [UInt8], arenaCeiling: Int? = nil) throws -> [String: Int] {
        var random = SeededGenerator(seed: seed)
        var outcomes: [String: Int] = [:]
        for name in models {
            let original = try Fixtures.bytes("\(name)/model.tflite")
            for _ in 0..<mutants {
                var bytes = original
                for _ in 0..<Int.random(in: 1...maximumEdits, using: &random) {
                    let position = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
                    case 1: bytes[position] = UInt8.random(in: 0...255, using: &random)
                    default: bytes[position] = edgeBytes.randomElement(using: &random)!
                    }
                }
                outcomes[exercise(bytes, arenaCeiling: arenaCeiling), default: 0] += 1
            }
            for _ in 0..<truncations {
                outcomes[exercise(Array(original[0..<Int.random(in: 0..<original.count, using: &random)]), arenaCeiling: arenaCeiling), default: 0] += 1
            }
        }
        return outcomes
    }

    private func assertEveryOutcome(_ outcomes: [String: Int], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertGreaterThan(outcomes["format", default: 0], 0, "\(outcomes)", file: file, line: line)
        XCTAssertGreaterThan(outcomes["runtime", default: 0], 0, "\(outcomes)", file: file, line: line)
        XCTAssertGreaterThan(outcomes["ran", default: 0], 0, "\(outcomes)", file: file, line: line)
    }
}
