import Runtime
import TestSupport
import TFLite
import Training
import XCTest

final class HeadRetrainerTests: XCTestCase {
    private func kws() throws -> Model { try Model(bytes: Fixtures.bytes("kws_ref_model/model.tflite")) }
    private let embeddingName = "functional_1/flatten/Reshape"

    /// Random kws inputs as real values, labelled by which third of the embedding has the largest sum
    /// (a rule a linear head can learn).
    private func data(_ retrainer: HeadRetrainer, rows: Int) throws -> Dataset {
        let interpreter = try Interpreter(model: retrainer.backbone)
        let info = interpreter.inputs[0]
        let count = info.shape.reduce(1, *)
        var g = SeededGenerator(seed: 21)
        var x: [Float] = []
        for _ in 0..<(rows * count) {
            x.append(info.scale * Float(Int32(Int8.random(in: -128...127, using: &g)) - info.zeroPoint))
        }
        let unlabelled = Dataset(featureNames: (0..<count).map { "x\($0)" }, features: x,
                                 labels: [Int](repeating: 0, count: rows), classNames: ["0"])
        let e = try retrainer.embeddings(unlabelled)
        let d = retrainer.embeddingSize
        let sums = (0..<rows).map { r in (0..<3).map { part in e.row(r)[(r * d + part * d / 3)..<(r * d + (part + 1) * d / 3)].reduce(0, +) } }
        // Centre each third's sum so the classes are balanced.
        let means = (0..<3).map { p in sums.reduce(0) { $0 + $1[p] } / Float(rows) }
        let labels = sums.map { s in (0..<3).max { s[$0] - means[$0] < s[$1] - means[$1] }! }
        return Dataset(featureNames: unlabelled.featureNames, features: x, labels: labels, classNames: ["a", "b", "c"])
    }

    func testRetrainsTheHeadAndSplicesIt() throws {
        let backbone = try kws()
        let retrainer = try HeadRetrainer(backbone: backbone, embedding: .name(embeddingName))
        XCTAssertEqual(retrainer.embeddingSize, 64)
        let rows = try data(retrainer, rows: 250)
        let outcome = try retrainer.retrain(rows, configuration: TrainingConfiguration(maxEpochs: 150, seed: 1))
        let model = outcome.model
        // Everything up to the embedding is kept, the old FULLY_CONNECTED + SOFTMAX replaced by the new head.
        let old = backbone.mainGraph.operators.map(\.name)
        let new = model.mainGraph.operators.map(\.name)
        XCTAssertEqual(Array(new.dropLast(2)), Array(old.dropLast(2)))
        XCTAssertEqual(Array(new.suffix(2)), ["FULLY_CONNECTED", "SOFTMAX"])
        XCTAssertEqual(model.mainGraph.tensors[model.mainGraph.outputs[0]].shape, [1, 3])
        XCTAssertEqual(ModelMetadata(description: model.description)?.classes, ["a", "b", "c"])
        let float = try XCTUnwrap(outcome.floatTestAccuracy), int8 = try XCTUnwrap(outcome.int8TestAccuracy)
        XCTAssertGreaterThan(float, 0.8)
        XCTAssertGreaterThan(int8, 0.8)
        XCTAssertLessThanOrEqual(float - int8, 0.06)
        // The spliced model reloads and runs in the runtime.
        let reloaded = try Model(bytes: model.serialized())
        let evaluator = try ModelEvaluator(model: reloaded)
        let (_, test) = rows.split()
        XCTAssertEqual(try evaluator.evaluate(test).accuracy, int8)
        try ExportedModels.save("kws_head", model: model.serialized(), rows: test, evaluator: evaluator)
    }

    func testSelectsTheEmbeddingByIndexToo() throws {
        let backbone = try kws()
        let index = backbone.mainGraph.tensors.firstIndex { $0.name == embeddingName }!
        XCTAssertEqual(try HeadRetrainer(backbone: backbone, embedding: TensorSelector("\(index)")).embeddingTensor, index)
    }

    func testRefusesTensorsThatAreNot2DInt8() throws {
        let backbone = try kws()
        let pooled = backbone.mainGraph.tensors.firstIndex { $0.shape == [1, 1, 1, 64] }!
        XCTAssertThrowsError(try HeadRetrainer(backbone: backbone, embedding: .index(pooled))) { error in
            XCTAssertEqual((error as? TrainingError)?.code, .invalidModel)
            XCTAssertTrue("\(error)".contains("not 2-D"), "\(error)")
        }
        XCTAssertThrowsError(try HeadRetrainer(backbone: backbone, embedding: .name("no such tensor"))) { error in
            XCTAssertTrue("\(error)".contains("no tensor named"))
        }
        XCTAssertThrowsError(try HeadRetrainer(backbone: backbone, embedding: .index(10_000)))
        // A float tensor: the standardised input of an exported MLP.
        let data = TestData.blobs(classes: 2, features: 3, rows: 60, seed: 1)
        let mlp = try TrainingPipeline.run(data, configuration: TrainingConfiguration(hiddenLayers: [4], maxEpochs: 5)).model
        XCTAssertThrowsError(try HeadRetrainer(backbone: mlp, embedding: .name("standardization/standardized"))) { error in
            XCTAssertTrue("\(error)".contains("not int8"), "\(error)")
        }
    }
}
