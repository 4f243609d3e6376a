import Runtime
import TFLite
import Training
import XCTest

final class ExportTests: XCTestCase {
    func testFileLayoutTFLiteNeeds() throws {
        let data = TestData.blobs(classes: 2, features: 3, rows: 100, seed: 3)
        let outcome = try TrainingPipeline.run(data, configuration: TrainingConfiguration(hiddenLayers: [4], maxEpochs: 10))
        let bytes = outcome.modelBytes
        XCTAssertEqual(Array(bytes[4..<8]), Array("TFL3".utf8))
        let model = try Model(bytes: bytes)
        XCTAssertEqual(model.version, 3)
        XCTAssertTrue(model.buffers[0].isEmpty, "buffer 0 must be the empty sentinel")
        for buffer in model.buffers where !buffer.isEmpty { XCTAssertEqual(buffer.range.lowerBound % 16, 0) }
        let metadata = try XCTUnwrap(ModelMetadata(description: model.description))
        XCTAssertEqual(metadata.classes, ["0", "1"])
        XCTAssertEqual(metadata.task, .classifier)
        // Deterministic: the same run serialises to the same bytes.
        let again = try TrainingPipeline.run(data, configuration: TrainingConfiguration(hiddenLayers: [4], maxEpochs: 10))
        XCTAssertEqual(again.modelBytes, bytes)
    }

    func testReloadedModelRunsInTheRuntimeAndAgreesWithTheFloatModel() throws {
        let data = TestData.blobs(classes: 4, features: 6, rows: 400, seed: 12)
        let outcome = try TrainingPipeline.run(data, configuration: TrainingConfiguration(hiddenLayers: [16, 8], seed: 1))
        let reloaded = try Model(bytes: outcome.modelBytes)
        let interpreter = try Interpreter(model: reloaded)
        XCTAssertEqual(interpreter.inputs[0].type, .float32)
        let (_, test) = data.split()
        var agree = 0
        let floatPredictions = outcome.training.model.predictions(raw: test.features)
        for r in 0..<test.rowCount {
            try interpreter.setInput(0, test.row(r).flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) })
            interpreter.invoke()
            let out = interpreter.outputBytes(0).map { Int8(bitPattern: $0) }
            let predicted = out.indices.max { out[$0] < out[$1] || (out[$0] == out[$1] && $0 > $1) }!
            if predicted == floatPredictions[r] { agree += 1 }
        }
        XCTAssertGreaterThanOrEqual(Double(agree) / Double(test.rowCount), 0.97)
        XCTAssertGreaterThan(try XCTUnwrap(outcome.int8TestAccuracy), 0.95)
        try ExportedModels.save("blobs", model: outcome.modelBytes, rows: test, evaluator: try ModelEvaluator(model: reloaded))
    }

    func testFeaturesOfVeryDifferentRangesKeepTheirPrecision() throws {
        let data = TestData.mixedRanges(rows: 1000, seed: 6)
        let outcome = try TrainingPipeline.run(data, configuration: TrainingConfiguration(hiddenLayers: [16], seed: 2))
        let float = try XCTUnwrap(outcome.floatTestAccuracy), int8 = try XCTUnwrap(outcome.int8TestAccuracy)
        XCTAssertGreaterThan(float, 0.95)
        XCTAssertGreaterThan(int8, 0.95, "the hundredths column must survive int8 input quantisation")
        XCTAssertLessThanOrEqual(float - int8, 0.01)
        let (_, test) = data.split()
        try ExportedModels.save("mixed_ranges", model: outcome.modelBytes, rows: test, evaluator: try ModelEvaluator(model: outcome.model))
    }
}
