import Bundles
import Foundation
import TestSupport
import TFLite
import Training
import XCTest
@testable import Gate

/// The gate on real trained digits models: blessing, regression, first versions, budgets, forgetting, bad input.
final class BlessingGateTests: XCTestCase {
    private let held = GateFixtures.heldOut

    func testFixtureModelsDifferAsIntended() {
        XCTAssertGreaterThan(GateFixtures.good.testAccuracy, 0.9)
        XCTAssertLessThan(GateFixtures.weak.testAccuracy, GateFixtures.good.testAccuracy - 0.05)
        XCTAssertGreaterThan(GateFixtures.weak.testAccuracy, 0.5, "the weak model must be well above chance")
    }

    func testGoodCandidateIsBlessedOverWeakerChampion() throws {
        let report = try BlessingGate.evaluate(
            candidate: GateFixtures.model(GateFixtures.good, "good"), champion: GateFixtures.model(GateFixtures.weak, "weak"),
            heldOut: held, championEvaluationSet: held, profiles: [GateFixtures.profile("rpi-zero-2w"), GateFixtures.profile("rpi-4b-2gb")],
            policy: GatePolicy(minAccuracy: 0.85, perClassRecallFloor: 0.5))
        XCTAssertTrue(report.blessed, report.text)
        XCTAssertEqual(report.reasons, [])
        XCTAssertEqual(report.schema, "edgefleet.gate.v1")
        XCTAssertEqual(report.heldOutRows, 359)
        for id in ["better_than_chance", "min_accuracy", "class_recall_floor", "regression_accuracy", "regression_macro_f1",
                   "forgetting_accuracy", "int8_float_agreement", "runtime_support", "profile:rpi-zero-2w", "profile:rpi-4b-2gb"] {
            XCTAssertEqual(report.check(id)?.status, .passed, "\(id): \(report.check(id)?.reason ?? "missing")")
        }
        XCTAssertEqual(report.check("gain_accuracy")?.status, .notApplicable)
        XCTAssertEqual(report.check("min_macro_f1")?.status, .notApplicable)
        // Both models are measured on the same rows, and the figures are the evaluator's.
        XCTAssertEqual(report.candidateMetrics?.rows, report.championMetrics?.rows)
        XCTAssertEqual(report.candidateMetrics?.accuracy ?? .nan, GateFixtures.good.testAccuracy, accuracy: 1e-12)
        XCTAssertEqual(report.championMetrics?.accuracy ?? .nan, GateFixtures.weak.testAccuracy, accuracy: 1e-12)
        XCTAssertEqual(report.check("regression_accuracy")?.measured ?? .nan,
                       GateFixtures.good.testAccuracy - GateFixtures.weak.testAccuracy, accuracy: 1e-12)
        XCTAssertEqual(report.candidateMetrics?.classRecall.count, 10)
        XCTAssertEqual(report.profiles.map(\.fits), [true, true])
        XCTAssertGreaterThan(report.profiles[0].arenaBytes, 0)
        XCTAssertTrue(report.text.hasSuffix("\nBLESSED"), report.text)
    }

    func testWorseCandidateIsRefusedWithARegressionReason() throws {
        let report = try BlessingGate.evaluate(
            candidate: GateFixtures.model(GateFixtures.weak, "weak.tflite"), champion: GateFixtures.model(GateFixtures.good, "good.tflite"),
            heldOut: held, championEvaluationSet: nil, profiles: [], policy: GatePolicy())
        XCTAssertFalse(report.blessed)
        let regression = try XCTUnwrap(report.check("regression_accuracy"))
        XCTAssertEqual(regression.status, .failed)
        XCTAssertEqual(regression.threshold, -0.01)
        XCTAssertLessThan(try XCTUnwrap(regression.measured), -0.05)
        XCTAssertTrue(regression.reason.contains("accuracy regressed vs champion good.tflite"), regression.reason)
        XCTAssertTrue(regression.reason.contains("rows wrong that good.tflite got right"), regression.reason)
        let comparison = try XCTUnwrap(report.championComparison)
        XCTAssertEqual(comparison.rows, 359)
        XCTAssertGreaterThan(comparison.championOnlyCorrect, comparison.candidateOnlyCorrect)
        XCTAssertEqual(Double(comparison.candidateOnlyCorrect - comparison.championOnlyCorrect) / 359, try XCTUnwrap(regression.measured), accuracy: 1e-12)
        XCTAssertLessThan(comparison.mcNemarPValue, 0.001)
        XCTAssertEqual(report.check("regression_macro_f1")?.status, .failed)
        XCTAssertTrue(report.reasons.contains(regression.reason))
        XCTAssertTrue(report.text.contains("REFUSED: accuracy regressed vs champion good.tflite"), report.text)
    }

    func testCandidateWithinEpsilonOfChampionIsBlessedButARequiredGainRefuses() throws {
        let same = try GateFixtures.model(GateFixtures.good, "same")
        let tolerant = try BlessingGate.evaluate(candidate: same, champion: same, heldOut: held, championEvaluationSet: nil,
                                                 profiles: [], policy: GatePolicy())
        XCTAssertTrue(tolerant.blessed, tolerant.text)
        XCTAssertEqual(tolerant.check("regression_accuracy")?.measured, 0)
        let demanding = try BlessingGate.evaluate(candidate: same, champion: same, heldOut: held, championEvaluationSet: nil,
                                                  profiles: [], policy: GatePolicy(requiredGain: 0.01))
        XCTAssertFalse(demanding.blessed)
        XCTAssertEqual(demanding.check("gain_accuracy")?.status, .failed)
        XCTAssertEqual(demanding.reasons.count, 1, demanding.text)
        XCTAssertTrue(demanding.reasons[0].contains("less than the required +0.0100"), demanding.reasons[0])
    }

    func testFirstVersionReportsChangeChecksAsNotApplicable() throws {
        let report = try BlessingGate.evaluate(candidate: GateFixtures.model(GateFixtures.good, "v1"), champion: nil, heldOut: held,
                                               championEvaluationSet: nil, profiles: [], policy: GatePolicy(minAccuracy: 0.9))
        XCTAssertTrue(report.blessed, report.text)
        XCTAssertNil(report.champion)
        XCTAssertNil(report.championMetrics)
        for id in ["regression_accuracy", "regression_macro_f1", "gain_accuracy", "forgetting_accuracy"] {
            let check = try XCTUnwrap(report.check(id))
            XCTAssertEqual(check.status, .notApplicable, id)
            XCTAssertNotEqual(check.status, .passed, id)
            XCTAssertFalse(check.required, id)
            XCTAssertTrue(check.reason.contains("first version"), check.reason)
        }
        XCTAssertTrue(report.text.contains("first version: no champion"), report.text)
    }

    func testProfileWhoseArenaIsTooSmallRefuses() throws {
        let report = try BlessingGate.evaluate(candidate: GateFixtures.model(GateFixtures.good, "good"), champion: nil, heldOut: held,
                                               championEvaluationSet: nil,
                                               profiles: [GateFixtures.profile("rpi-zero-2w"), GateFixtures.tinyArena()], policy: GatePolicy())
        XCTAssertFalse(report.blessed)
        XCTAssertEqual(report.check("profile:rpi-zero-2w")?.status, .passed)
        let tiny = try XCTUnwrap(report.check("profile:tiny-arena"))
        XCTAssertEqual(tiny.status, .failed)
        XCTAssertTrue(tiny.reason.contains("exceeds tiny-arena's arena budget of 256 B"), tiny.reason)
        XCTAssertEqual(report.reasons, [tiny.reason])
        XCTAssertEqual(report.profiles.map(\.fits), [true, false])
    }

    func testLatencyBoundRefusesOnSlowBoards() throws {
        let board = try GateFixtures.profile("rpi-zero-2w")
        let report = try BlessingGate.evaluate(candidate: GateFixtures.model(GateFixtures.good, "good"), champion: nil, heldOut: held,
                                               championEvaluationSet: nil, profiles: [board],
                                               policy: GatePolicy(maxLatencyMilliseconds: 1e-6))
        let check = try XCTUnwrap(report.check("profile:rpi-zero-2w"))
        XCTAssertEqual(check.status, .failed)
        XCTAssertTrue(check.reason.contains("estimated latency"), check.reason)
        // The estimate is the profile's: MACs over its effective int8 throughput.
        let macs = Double(report.profiles[0].macs)
        XCTAssertEqual(try XCTUnwrap(check.measured), macs / board.effectiveMacsPerSecond * 1000, accuracy: 1e-12)
    }

    func testForgettingIsMeasuredOnTheChampionsOwnSet() throws {
        // Tolerate any regression on the held-out rows, so only the forgetting check can refuse.
        let championSet = GateFixtures.digits.split(testEvery: 7).test
        let report = try BlessingGate.evaluate(
            candidate: GateFixtures.model(GateFixtures.weak, "weak"), champion: GateFixtures.model(GateFixtures.good, "good"),
            heldOut: held, championEvaluationSet: championSet, profiles: [],
            policy: GatePolicy(maxRegression: 1, minInt8FloatAgreement: 0))
        let forgetting = try XCTUnwrap(report.check("forgetting_accuracy"))
        XCTAssertEqual(forgetting.status, .failed)
        XCTAssertTrue(forgetting.reason.contains("forgets the champion's evaluation set"), forgetting.reason)
        XCTAssertEqual(report.candidateOnChampionSet?.rows, championSet.rowCount)
        XCTAssertEqual(report.reasons, [forgetting.reason])

        let required = try BlessingGate.evaluate(
            candidate: GateFixtures.model(GateFixtures.good, "good"), champion: GateFixtures.model(GateFixtures.good, "good"),
            heldOut: held, championEvaluationSet: nil, profiles: [], policy: GatePolicy(requireForgettingCheck: true))
        XCTAssertFalse(required.blessed)
        XCTAssertEqual(required.reasons, ["forgetting_accuracy could not run: no evaluation set of the champion was given"])
    }

    func testValueThresholdsNameWhatFailed() throws {
        let report = try BlessingGate.evaluate(candidate: GateFixtures.model(GateFixtures.weak, "weak"), champion: nil, heldOut: held,
                                               championEvaluationSet: nil, profiles: [],
                                               policy: GatePolicy(minAccuracy: 0.99, minMacroF1: 0.99, perClassRecallFloor: 0.99))
        XCTAssertFalse(report.blessed)
        XCTAssertEqual(report.check("min_accuracy")?.status, .failed)
        XCTAssertEqual(report.check("min_macro_f1")?.status, .failed)
        let floor = try XCTUnwrap(report.check("class_recall_floor"))
        XCTAssertEqual(floor.status, .failed)
        XCTAssertEqual(floor.measured, report.candidateMetrics?.classRecall.values.min())
        XCTAssertTrue(floor.reason.contains("recall below the floor 0.9900 for class"), floor.reason)
        XCTAssertEqual(report.checks.filter { $0.kind == .value && $0.status == .failed }.map(\.id),
                       ["min_accuracy", "min_macro_f1", "class_recall_floor"], report.text)
    }

    func testExactMcNemarMatchesTheBinomialTail() {
        // 2 · P(X ≤ 1), X ~ Bin(10, ½) = 2 · 11/1024.
        XCTAssertEqual(ChampionComparison.exactMcNemar(1, 9), 22.0 / 1024, accuracy: 1e-12)
        XCTAssertEqual(ChampionComparison.exactMcNemar(9, 1), 22.0 / 1024, accuracy: 1e-12)
        XCTAssertEqual(ChampionComparison.exactMcNemar(5, 5), 1)
        XCTAssertEqual(ChampionComparison.exactMcNemar(0, 0), 1)
        // Thousands of discordant rows: no underflow to 0 or NaN for a balanced split.
        XCTAssertEqual(ChampionComparison.exactMcNemar(2000, 2000), 1)
        let lopsided = ChampionComparison.exactMcNemar(1000, 1400)
        XCTAssertGreaterThan(lopsided, 0)
        XCTAssertLessThan(lopsided, 1e-9)
    }

    func testAModelThatAlwaysAnswersOneClassIsNoBetterThanChance() {
        // Nine rows of class "a", one of "b": always answering "a" is 0.9 accurate and worthless.
        let data = Dataset(featureNames: ["x"], features: [Float](repeating: 0, count: 10), labels: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
                           classNames: ["a", "b"])
        let constant = ModelMetrics(report: ClassificationReport(truth: data.labels, predicted: [Int](repeating: 0, count: 10), classes: ["a", "b"]))
        let checks = BlessingGate.valueChecks(constant, heldOut: data, policy: GatePolicy(minAccuracy: 0.8))
        let chance = checks.first { $0.id == "better_than_chance" }
        XCTAssertEqual(chance?.status, .failed)
        XCTAssertEqual(chance?.measured, 0.5)
        XCTAssertEqual(chance?.threshold, 0.5)
        XCTAssertEqual(checks.first { $0.id == "min_accuracy" }?.status, .passed)
        XCTAssertEqual(constant.macroF1, (2 * 0.9 / 1.9 + 0) / 2, accuracy: 1e-12)

        // A detector that ties the majority's accuracy (one false alarm for the one anomaly it catches of two) is
        // still better than chance: plain accuracy could not tell it from the constant answer.
        let rare = Dataset(featureNames: ["x"], features: [Float](repeating: 0, count: 10), labels: [0, 0, 0, 0, 0, 0, 0, 0, 1, 1],
                           classNames: ["a", "b"])
        let detector = ModelMetrics(report: ClassificationReport(truth: rare.labels, predicted: [1, 0, 0, 0, 0, 0, 0, 0, 1, 0], classes: ["a", "b"]))
        XCTAssertEqual(detector.accuracy, 0.8, accuracy: 1e-12)
        let detectorChance = BlessingGate.valueChecks(detector, heldOut: rare, policy: GatePolicy()).first { $0.id == "better_than_chance" }
        XCTAssertEqual(detectorChance?.status, .passed)
        XCTAssertEqual(detector.balancedAccuracy, (7.0 / 8 + 0.5) / 2, accuracy: 1e-12)
    }

    func testInt8AgreesWithBothFloatReferences() throws {
        let recomputed = try BlessingGate.evaluate(candidate: GateFixtures.model(GateFixtures.good, "good"), champion: nil, heldOut: held,
                                                   championEvaluationSet: nil, profiles: [], policy: GatePolicy())
        let shadow = try XCTUnwrap(recomputed.int8FloatAgreement)
        XCTAssertEqual(shadow.reference, "float re-computation of the int8 graph")
        XCTAssertGreaterThanOrEqual(shadow.agreement, 0.98)
        XCTAssertLessThan(shadow.maxAbsoluteDifference, 0.5)

        let trained = try BlessingGate.evaluate(
            candidate: GateFixtures.model(GateFixtures.good, "good", reference: .trained(GateFixtures.good.float)), champion: nil,
            heldOut: held, championEvaluationSet: nil, profiles: [], policy: GatePolicy())
        let float = try XCTUnwrap(trained.int8FloatAgreement)
        XCTAssertEqual(float.reference, "trained float model")
        XCTAssertGreaterThanOrEqual(float.agreement, 0.98)
        XCTAssertEqual(trained.check("int8_float_agreement")?.status, .passed)

        // An impossible bound turns the same measurement into a refusal.
        let strict = try BlessingGate.evaluate(candidate: GateFixtures.model(GateFixtures.good, "good"), champion: nil, heldOut: held,
                                               championEvaluationSet: nil, profiles: [],
                                               policy: GatePolicy(minInt8FloatAgreement: 1.0))
        XCTAssertEqual(strict.check("int8_float_agreement")?.status, shadow.agreement == 1 ? .passed : .failed)
    }

    func testFloatShadowMatchesTheTrainedFloatModel() throws {
        let model = try GateFixtures.model(GateFixtures.good, "good").model
        guard case .success(let shadow) = FloatShadow.make(model) else { return XCTFail("no shadow for a dense model") }
        var agree = 0
        for r in 0..<held.rowCount {
            let s = try XCTUnwrap(shadow.outputs(held.row(r)))
            let f = BlessingGate.softmax(GateFixtures.good.float.outputs(raw: Array(held.row(r))))
            XCTAssertEqual(s.count, 10)
            XCTAssertEqual(s.reduce(0, +), 1, accuracy: 1e-4)
            if HeldOutRun.argmax(s) == HeldOutRun.argmax(f) { agree += 1 }
        }
        // Only the weights' rounding separates the two: they should almost never disagree.
        XCTAssertGreaterThanOrEqual(Double(agree) / Double(held.rowCount), 0.98)
    }

    func testNoFloatReferenceIsNotApplicableUnlessRequired() throws {
        let candidate = try GateFixtures.model(GateFixtures.good, "good", reference: .none(reason: "trained elsewhere"))
        let lenient = try BlessingGate.evaluate(candidate: candidate, champion: nil, heldOut: held, championEvaluationSet: nil,
                                                profiles: [], policy: GatePolicy())
        XCTAssertTrue(lenient.blessed, lenient.text)
        XCTAssertEqual(lenient.check("int8_float_agreement")?.status, .notApplicable)
        XCTAssertNil(lenient.int8FloatAgreement)
        let strict = try BlessingGate.evaluate(candidate: candidate, champion: nil, heldOut: held, championEvaluationSet: nil,
                                               profiles: [], policy: GatePolicy(requireInt8FloatAgreement: true))
        XCTAssertFalse(strict.blessed)
        XCTAssertEqual(strict.reasons, ["int8_float_agreement could not run: no float reference: trained elsewhere"])
    }

    func testChampionThatLacksANewClassCountsThoseRowsAsWrong() throws {
        // A champion trained before class "9" existed: its rows of "9" are wrong for it, not an input error.
        let digits = GateFixtures.digits
        let kept = (0..<digits.rowCount).filter { digits.classNames[digits.labels[$0]] != "9" }
        let old = digits.subset(kept)
        let nine = Dataset(featureNames: old.featureNames, labelName: old.labelName, features: old.features, labels: old.labels,
                           classNames: Array(digits.classNames.prefix(9)), source: "digits without 9")
        let outcome = try TrainingPipeline.run(nine, configuration: TrainingConfiguration(hiddenLayers: [16], maxEpochs: 20, patience: 5, seed: 3, refit: false))
        let champion = try GateModel(name: "nine-classes", bytes: outcome.modelBytes)
        let report = try BlessingGate.evaluate(candidate: GateFixtures.model(GateFixtures.good, "ten-classes"), champion: champion,
                                               heldOut: held, championEvaluationSet: nil, profiles: [], policy: GatePolicy())
        XCTAssertTrue(report.blessed, report.text)
        let championReport = try XCTUnwrap(report.championMetrics?.report)
        XCTAssertEqual(championReport.classes.last, "9")
        XCTAssertEqual(championReport.recall.last, 0)
        XCTAssertEqual(report.championMetrics?.rows, held.rowCount)
        XCTAssertGreaterThan(try XCTUnwrap(report.check("regression_accuracy")?.measured), 0.05)
    }

    func testCandidateTheRuntimeCannotRunIsRefused() throws {
        // The good model with its SOFTMAX turned into a custom operator no device implements.
        let parsed = try GateFixtures.model(GateFixtures.good, "good").model
        var graph = parsed.mainGraph
        let last = graph.operators.count - 1
        graph.operators[last] = Operator(opcode: .custom, customName: "GATE_TEST_OP", inputs: graph.operators[last].inputs,
                                         outputs: graph.operators[last].outputs)
        let buffers = parsed.buffers.map { Array(parsed.bytes[$0.range]) }
        let bytes = try Model(description: parsed.description, subgraphs: [graph], buffers: buffers).serialized()
        let report = try BlessingGate.evaluate(candidate: GateModel(name: "custom.tflite", bytes: bytes),
                                               champion: GateFixtures.model(GateFixtures.good, "good"), heldOut: held,
                                               championEvaluationSet: nil, profiles: [GateFixtures.profile("rpi-4b-2gb")], policy: GatePolicy())
        XCTAssertFalse(report.blessed)
        XCTAssertNil(report.candidateMetrics)
        let runtime = try XCTUnwrap(report.check("runtime_support"))
        XCTAssertEqual(runtime.status, .failed)
        XCTAssertTrue(runtime.reason.contains("does not implement operator CUSTOM(GATE_TEST_OP)"), runtime.reason)
        XCTAssertEqual(report.check("profile:rpi-4b-2gb")?.status, .failed)
        XCTAssertEqual(report.check("regression_accuracy")?.status, .notApplicable)
        XCTAssertEqual(report.reasons.first, runtime.reason)
    }

    func testBadInputIsAnErrorNotARefusal() throws {
        let good = try GateFixtures.model(GateFixtures.good, "good.tflite")
        func code(_ body: () throws -> Void) -> GateError.Code? {
            do { try body(); return nil } catch let error as GateError { return error.code } catch { return nil }
        }
        // Fewer features than the model takes.
        let narrow = Dataset(featureNames: ["a", "b"], features: [1, 2, 3, 4], labels: [0, 1], classNames: ["0", "1"], source: "narrow.csv")
        XCTAssertEqual(code { _ = try BlessingGate.evaluate(candidate: good, champion: nil, heldOut: narrow, championEvaluationSet: nil, profiles: [], policy: GatePolicy()) }, .mismatch)
        // A label the model has no output for.
        var alien = held.subset([0, 1])
        alien.classNames = alien.classNames.map { "x" + $0 }
        XCTAssertEqual(code { _ = try BlessingGate.evaluate(candidate: good, champion: nil, heldOut: alien, championEvaluationSet: nil, profiles: [], policy: GatePolicy()) }, .mismatch)
        XCTAssertEqual(code { _ = try BlessingGate.evaluate(candidate: good, champion: nil, heldOut: held.subset([]), championEvaluationSet: nil, profiles: [], policy: GatePolicy()) }, .invalidData)
        XCTAssertEqual(code { _ = try BlessingGate.evaluate(candidate: good, champion: nil, heldOut: held, championEvaluationSet: nil, profiles: [], policy: GatePolicy(minAccuracy: 1.5)) }, .invalidPolicy)
        XCTAssertEqual(code { _ = try GateModel(name: "junk", bytes: [1, 2, 3]) }, .invalidModel)
        do {
            _ = try BlessingGate.evaluate(candidate: good, champion: nil, heldOut: narrow, championEvaluationSet: nil, profiles: [], policy: GatePolicy())
            XCTFail("a feature mismatch must throw")
        } catch {
            XCTAssertEqual(error.message, "narrow.csv has 2 feature columns, but candidate good.tflite takes 64 values per input")
        }
    }

    func testReportAndPolicyRoundTripThroughJSON() throws {
        let report = try BlessingGate.evaluate(candidate: GateFixtures.model(GateFixtures.good, "good"),
                                               champion: GateFixtures.model(GateFixtures.weak, "weak"), heldOut: held,
                                               championEvaluationSet: nil, profiles: [GateFixtures.profile("rpi-3b-plus")], policy: GatePolicy())
        let bytes = try JSONEncoder().encode(report)
        XCTAssertEqual(try JSONDecoder().decode(GateReport.self, from: bytes), report)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        for key in ["schema", "blessed", "reasons", "candidate", "champion", "heldOutRows", "checks", "candidateMetrics",
                    "championMetrics", "int8FloatAgreement", "profiles", "policy"] {
            XCTAssertNotNil(object[key], key)
        }
        let policy = try JSONDecoder().decode(GatePolicy.self, from: Data(#"{"minAccuracy": 0.9}"#.utf8))
        XCTAssertEqual(policy, GatePolicy(minAccuracy: 0.9))
        XCTAssertEqual(policy.maxRegression, 0.01)
        XCTAssertEqual(policy.minInt8FloatAgreement, 0.98)
    }
}
