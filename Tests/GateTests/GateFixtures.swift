import Foundation
import TestSupport
import Bundles
import TFLite
import Training
@testable import Gate

/// Small digits models trained once per test process: a good one and a deliberately under-trained one.
enum GateFixtures {
    struct Trained: @unchecked Sendable {
        var bytes: [UInt8]
        var float: TrainedModel
        var testAccuracy: Double
    }

    static var digitsPath: String { Fixtures.root.appendingPathComponent("Tests/Fixtures/datasets/digits.csv").path }

    /// digits.csv, all rows.
    static let digits: Dataset = try! Dataset(csvFile: digitsPath)

    /// The test rows of `edgectl train` (rows 4, 9, ...): the held-out split both models are measured on.
    static var heldOut: Dataset { digits.split(testEvery: 5).test }

    /// Hidden 16, up to 40 epochs with early stopping: about 0.95 on the test rows, fast in a debug build.
    static let good: Trained = train(TrainingConfiguration(hiddenLayers: [16], maxEpochs: 40, patience: 5, seed: 1, refit: false))

    /// Three epochs: well below the good model, still well above chance.
    static let weak: Trained = train(TrainingConfiguration(hiddenLayers: [16], maxEpochs: 3, validationFraction: 0, seed: 2, refit: false))

    private static func train(_ configuration: TrainingConfiguration) -> Trained {
        let outcome = try! TrainingPipeline.run(digits, configuration: configuration, testEvery: 5)
        return Trained(bytes: outcome.modelBytes, float: outcome.training.model, testAccuracy: outcome.int8TestAccuracy ?? .nan)
    }

    static func model(_ trained: Trained, _ name: String, reference: FloatReference = .recomputed) throws -> GateModel {
        try GateModel(name: name, bytes: trained.bytes, floatReference: reference)
    }

    /// A shipped firmware profile, e.g. `rpi-zero-2w`.
    static func profile(_ id: String) throws -> FirmwareProfile {
        try FirmwareProfile.load(Fixtures.root.appendingPathComponent("firmware-profiles/\(id).json").path)
    }

    /// The Zero 2 W with an arena budget of `arenaBytes`: a board the digits model cannot fit.
    static func tinyArena(_ arenaBytes: Int = 256) throws -> FirmwareProfile {
        var board = try profile("rpi-zero-2w")
        board.id = "tiny-arena"
        board.memory.arenaBytes = arenaBytes
        return board
    }
}
