#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Runtime
import TFLite

/// Runs one fixture folder in the format of Tests/Fixtures/conformance/README.md.
enum ConformanceRunner {
    enum Outcome {
        case pass(cases: Int, maxAbsDiff: Double)
        case fail(cases: Int, maxAbsDiff: Double, reason: String?)
        case unsupported(ops: [String])
    }

    struct Result {
        var folder: String
        var outcome: Outcome

        var isExact: Bool {
            if case .pass = outcome { return true }
            return false
        }

        var line: String {
            switch outcome {
            case .pass(let n, let d): "PASS \(folder) cases=\(n) max_abs_diff=\(format(d))"
            case .fail(let n, let d, let reason):
                "FAIL \(folder) cases=\(n) max_abs_diff=\(format(d))" + (reason.map { " error=\"\($0)\"" } ?? "")
            case .unsupported(let ops): "UNSUPPORTED \(folder) ops=\(ops.joined(separator: ","))"
            }
        }

        private func format(_ d: Double) -> String {
            d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        }
    }

    private struct CasesFile: Decodable {
        struct Case: Decodable { var `case`: Int }
        var cases: [Case]?
    }

    /// Fixture folders at or below `directory` (a folder is a fixture when it holds model.tflite), sorted.
    static func findFixtures(in directory: String) -> [String] {
        if FileAccess.exists(directory + "/model.tflite") { return [directory] }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.sorted().flatMap { name -> [String] in
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            return FileAccess.isDirectory(path) ? findFixtures(in: path) : []
        }
    }

    /// Case numbers from cases.json, or from the case-K.in-0.bin files when cases.json is absent.
    static func caseNumbers(in folder: String) -> [Int] {
        if let data = FileManager.default.contents(atPath: folder + "/cases.json"),
           let file = try? JSONDecoder().decode(CasesFile.self, from: data), let cases = file.cases {
            return cases.map(\.case)
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return entries.compactMap { name -> Int? in
            guard name.hasPrefix("case-"), name.hasSuffix(".in-0.bin") else { return nil }
            return Int(name.dropFirst(5).dropLast(9))
        }.sorted()
    }

    static func run(fixture folder: String) -> Result {
        let modelPath = folder + "/model.tflite"
        let model: Model
        do {
            model = try FileAccess.loadModel(modelPath)
        } catch {
            return Result(folder: folder, outcome: .fail(cases: 0, maxAbsDiff: 0, reason: "\(error)"))
        }
        let unsupported = OperatorSupport.unsupportedOperators(in: model)
        if !unsupported.isEmpty { return Result(folder: folder, outcome: .unsupported(ops: unsupported)) }
        let interpreter: Interpreter
        do {
            interpreter = try Interpreter(model: model)
        } catch {
            if error.code == .unsupportedOperator {
                return Result(folder: folder, outcome: .unsupported(ops: [error.message]))
            }
            return Result(folder: folder, outcome: .fail(cases: 0, maxAbsDiff: 0, reason: error.message))
        }
        let cases = caseNumbers(in: folder)
        guard !cases.isEmpty else {
            return Result(folder: folder, outcome: .fail(cases: 0, maxAbsDiff: 0, reason: "no cases found"))
        }
        var maxDiff = 0.0
        var exact = true
        do {
            for k in cases {
                // Every case starts from the state of a fresh interpreter (variables unassigned, CALL_ONCE armed),
                // as scripts/lib/make_op_models.py generates each case on a fresh LiteRT interpreter.
                interpreter.resetState()
                for i in interpreter.inputs.indices {
                    try interpreter.setInput(i, try FileAccess.read("\(folder)/case-\(k).in-\(i).bin"))
                }
                try interpreter.checkedInvoke()
                for j in interpreter.outputs.indices {
                    let expected = try FileAccess.read("\(folder)/case-\(k).ref-\(j).bin")
                    let actual = interpreter.outputBytes(j)
                    if expected != actual { exact = false }
                    guard expected.count == actual.count else {
                        return Result(folder: folder, outcome: .fail(cases: cases.count, maxAbsDiff: .infinity,
                            reason: "case \(k) output \(j): expected \(expected.count) bytes, got \(actual.count)"))
                    }
                    maxDiff = max(maxDiff, TensorComparison.maxAbsDifference(expected, actual, type: interpreter.outputs[j].type))
                }
            }
        } catch {
            return Result(folder: folder, outcome: .fail(cases: cases.count, maxAbsDiff: maxDiff, reason: "\(error)"))
        }
        return Result(folder: folder, outcome: exact ? .pass(cases: cases.count, maxAbsDiff: maxDiff)
                                                     : .fail(cases: cases.count, maxAbsDiff: maxDiff, reason: nil))
    }
}
