import TFLite
import Training
import XCTest

final class QuantizationTests: XCTestCase {
    func testActivationParametersFollowTheConverter() {
        let p = QuantizationParameters(calibratedMin: -1, calibratedMax: 3)
        XCTAssertEqual(p.scale, 4 / 255, accuracy: 1e-9)
        XCTAssertEqual(p.zeroPoint, Int32((-128 + 1 / Double(p.scale)).rounded()))
        XCTAssertEqual(p.quantize(0), Int8(p.zeroPoint))
        // The range is widened to include 0: an all-positive range puts zero at −128.
        let relu = QuantizationParameters(calibratedMin: 2, calibratedMax: 6)
        XCTAssertEqual(relu.scale, 6 / 255, accuracy: 1e-9)
        XCTAssertEqual(relu.zeroPoint, -128)
        let negative = QuantizationParameters(calibratedMin: -6, calibratedMax: -1)
        XCTAssertEqual(negative.zeroPoint, 127)
        let dead = QuantizationParameters(calibratedMin: 0, calibratedMax: 0)
        XCTAssertGreaterThan(dead.scale, 0)
        XCTAssertEqual(QuantizationParameters.softmaxOutput, QuantizationParameters(scale: 1.0 / 256, zeroPoint: -128))
    }

    func testQuantizeRoundsHalfAwayFromZeroAndSaturates() {
        let p = QuantizationParameters(scale: 0.5, zeroPoint: 0)
        XCTAssertEqual(p.quantize(0.25), 1)
        XCTAssertEqual(p.quantize(-0.25), -1)
        XCTAssertEqual(p.quantize(1000), 127)
        XCTAssertEqual(p.quantize(-1000), -128)
        XCTAssertEqual(p.dequantize(3), 1.5)
    }

    func testWeightsArePerChannelSymmetricAndBiasesAtProductScale() {
        let layer = DenseLayer(weights: [0.5, -1.0, 0.25, 0, 0, 0, 2, 1, -0.1], biases: [0.1, -0.2, 0.3],
                               inputCount: 3, outputCount: 3, relu: true)
        let input = QuantizationParameters(scale: 0.02, zeroPoint: -5)
        let q = QuantizedDenseLayer(layer, input: input, output: QuantizationParameters(scale: 0.1, zeroPoint: -128))
        XCTAssertEqual(q.weightScales[0], 1.0 / 127, accuracy: 1e-9)
        XCTAssertEqual(q.weightScales[1], 1)  // an all-zero row keeps a valid scale
        XCTAssertEqual(q.weightScales[2], 2.0 / 127, accuracy: 1e-9)
        XCTAssertEqual(Array(q.weights[0..<3]), [64, -127, 32])
        XCTAssertEqual(Array(q.weights[6..<9]), [127, 64, -6])
        XCTAssertTrue(q.weights.allSatisfy { $0 >= -127 })
        XCTAssertEqual(q.biasScales[0], input.scale * q.weightScales[0])
        XCTAssertEqual(q.biases[0], Int32((0.1 / Double(input.scale * q.weightScales[0])).rounded()))
        XCTAssertEqual(q.biases[1], Int32((-0.2 / 0.02).rounded()))
    }

    func testExportedTensorsCarryTheTFLiteQuantisation() throws {
        let data = TestData.blobs(classes: 3, features: 5, rows: 200, seed: 4)
        let result = try Trainer(configuration: TrainingConfiguration(hiddenLayers: [8], maxEpochs: 30)).train(data)
        let q = try PostTrainingQuantizer.quantize(result.model, calibration: data.features)
        let model = try ModelExporter.model(q)
        let g = model.mainGraph
        XCTAssertEqual(model.operatorNames, ["SUB", "MUL", "QUANTIZE", "FULLY_CONNECTED", "SOFTMAX"])
        XCTAssertEqual(g.operators.map(\.name), ["SUB", "MUL", "QUANTIZE", "FULLY_CONNECTED", "FULLY_CONNECTED", "SOFTMAX"])
        let input = g.tensors[g.inputs[0]], output = g.tensors[g.outputs[0]]
        XCTAssertEqual(input.type, .float32)
        XCTAssertEqual(input.shape, [1, 5])
        XCTAssertEqual(output.type, .int8)
        XCTAssertEqual(output.quantization, Quantization(scales: [Float(1) / 256], zeroPoints: [-128]))
        let fcs = g.operators.filter { $0.opcode == .fullyConnected }
        for (i, fc) in fcs.enumerated() {
            let w = g.tensors[fc.inputs[1]], b = g.tensors[fc.inputs[2]], x = g.tensors[fc.inputs[0]]
            XCTAssertEqual(w.type, .int8)
            XCTAssertEqual(b.type, .int32)
            XCTAssertEqual(w.quantization?.quantizedDimension, 0)
            XCTAssertEqual(w.quantization?.scales.count, w.shape[0])
            XCTAssertTrue(w.quantization!.zeroPoints.allSatisfy { $0 == 0 })
            XCTAssertEqual(b.quantization?.scales, w.quantization!.scales.map { x.quantization!.scale * $0 })
            XCTAssertTrue(model.data(of: w).allSatisfy { Int8(bitPattern: $0) >= -127 })
            guard case .fullyConnected(let o) = fc.options else { return XCTFail("FC options") }
            XCTAssertEqual(o.activation, i == 0 ? .relu : .none)
        }
        // Standardisation constants in float, exactly the trained ones.
        let sub = g.operators[0], mul = g.operators[1]
        XCTAssertEqual(g.tensors[sub.inputs[1]].type, .float32)
        XCTAssertEqual(g.tensors[mul.inputs[1]].type, .float32)
        XCTAssertEqual(model.data(of: g.tensors[sub.inputs[1]]).count, 20)
    }
}
