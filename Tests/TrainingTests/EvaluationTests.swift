import TFLite
import Training
import XCTest

final class EvaluationTests: XCTestCase {
    func testReportCountsPrecisionRecallAndConfusion() {
        let r = ClassificationReport(truth: [0, 0, 1, 1, 2, 2], predicted: [0, 1, 1, 1, 0, 2], classes: ["a", "b", "c"])
        XCTAssertEqual(r.accuracy, 4.0 / 6.0, accuracy: 1e-12)
        XCTAssertEqual(r.confusion, [[1, 1, 0], [0, 2, 0], [1, 0, 1]])
        XCTAssertEqual(r.support, [2, 2, 2])
        XCTAssertEqual(r.precision[0], 0.5, accuracy: 1e-12)
        XCTAssertEqual(r.precision[1], 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(r.recall[2], 0.5, accuracy: 1e-12)
        let none = ClassificationReport(truth: [0], predicted: [0], classes: ["a", "b"])
        XCTAssertEqual(none.precision[1], 0)
        XCTAssertEqual(none.recall[1], 0)
    }

    func testEvaluatorMapsLabelsByTheModelsClassNames() throws {
        let base = TestData.blobs(classes: 3, features: 4, rows: 300, seed: 7)
        let named = Dataset(featureNames: base.featureNames, features: base.features, labels: base.labels,
                            classNames: ["low", "mid", "high"], source: "named.csv")
        let outcome = try TrainingPipeline.run(named, configuration: TrainingConfiguration(hiddenLayers: [8], seed: 3))
        let evaluator = try ModelEvaluator(model: outcome.model)
        XCTAssertEqual(evaluator.classNames, ["low", "mid", "high"])
        // A file with only some of the classes, in another order, still maps by name.
        let (_, test) = named.split()
        let csv = TestData.csv(test)
        let reread = try Dataset(csv: csv, source: "test.csv")
        let report = try evaluator.evaluate(reread)
        XCTAssertEqual(report.accuracy, try XCTUnwrap(outcome.int8TestAccuracy), accuracy: 1e-12)
        XCTAssertEqual(report.confusion.flatMap { $0 }.reduce(0, +), test.rowCount)
        // Unknown labels and wrong widths are named.
        let unknown = try Dataset(csv: "f0,f1,f2,f3,label\n1,2,3,4,other\n", source: "u.csv")
        XCTAssertThrowsError(try evaluator.evaluate(unknown)) { error in
            XCTAssertTrue("\(error)".contains("u.csv line 2"), "\(error)")
            XCTAssertTrue("\(error)".contains("\"other\" is not one of the model's classes"), "\(error)")
        }
        let narrow = try Dataset(csv: "f0,label\n1,low\n", source: "n.csv")
        XCTAssertThrowsError(try evaluator.evaluate(narrow)) { error in
            XCTAssertTrue("\(error)".contains("1 feature columns, the model takes 4"), "\(error)")
        }
    }
}
