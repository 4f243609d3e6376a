import Bundles
import FleetSupport
import Foundation
import XCTest

/// Bundles of the conformance models built with the real runtime's analysis: round trip, health check, fit.
final class RuntimeBackedTests: XCTestCase {
    /// Summary features plus each row's predicted class: works for any model size.
    private func summaryCSV(classes: Int) -> [UInt8] { Fixtures.baselineCSV(rows: 60, classes: classes) }

    private func labels(_ count: Int) -> [String] { (0..<count).map { "class-\($0)" } }

    private func build(_ name: String) throws -> BundleFile {
        let analysis = try ModelAnalyzer.analyze(Fixtures.modelBytes(name))
        let classes = analysis.outputs[0].shape.last ?? 1
        var builder = BundleBuilder(modelBytes: try Fixtures.modelBytes(name), metadata: Fixtures.metadata(name: name),
                                    labels: labels(classes), baselineCSV: summaryCSV(classes: classes))
        builder.goldenDirectory = "\(Fixtures.conformance)/\(name)"
        return try builder.build()
    }

    func testKeysBuildSignVerifyRoundTripOnEveryConformanceModel() throws {
        let (directory, store) = try Fixtures.keys(self)
        let work = try Fixtures.temporaryDirectory(self)
        let pi4 = try FirmwareProfile.load("rpi-4b-2gb", directory: Fixtures.profiles)
        var roundTripped: [String] = []
        for name in try Fixtures.conformanceModels() {
            do {
                let unsupported = try ModelAnalyzer.unsupportedOperators(in: Fixtures.modelBytes(name))
                guard unsupported.isEmpty else {
                    // The runtime cannot size such a model, so the builder must refuse it by name.
                    let error = XCTAssertBundleError(.unsupportedOperator, try build(name))
                    XCTAssertTrue(error?.message.contains(unsupported[0]) ?? false, "\(name): \(String(describing: error))")
                    continue
                }
                let path = "\(work)/\(name).efb"
                try FileIO.writeAtomically(path, try build(name).encoded())
                let signed = try BundleFile(parsing: FileIO.read(path)).signed(with: directory.signingKey(now: Fixtures.now))
                try FileIO.writeAtomically(path, signed.encoded())

                let verified = try Fixtures.verifier(store, profile: pi4).verify(FileIO.read(path))
                XCTAssertEqual(verified.modelBytes, try Fixtures.modelBytes(name), name)
                XCTAssertEqual(verified.manifest.requirements.operators, try ModelAnalyzer.analyze(verified.modelBytes).operators)
                XCTAssertGreaterThan(verified.manifest.requirements.macs, 0, name)
                XCTAssertEqual(verified.golden.cases.count, 3, name)
                XCTAssertEqual(verified.manifest.labels.count, verified.manifest.outputs[0].shape.last, name)
                roundTripped.append(name)
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
        XCTAssertTrue(roundTripped.contains("ad01_int8") && roundTripped.contains("kws_ref_model"), "\(roundTripped)")
        print("round-tripped: \(roundTripped.joined(separator: ", "))")
    }

    func testGoldenCasesPassTheHealthCheckOnTheRuntime() throws {
        let (directory, store) = try Fixtures.keys(self)
        for name in ["ad01_int8", "kws_ref_model"] {
            let bundle = try build(name).signed(with: directory.signingKey(now: Fixtures.now))
            let verified = try Fixtures.verifier(store).verify(bundle.encoded())
            let runner = try ModelRunner(modelBytes: verified.modelBytes)
            for golden in verified.golden.cases {
                XCTAssertTrue(golden.matches(try runner.run(golden.inputs), outputSchemas: verified.manifest.outputs), "\(name) \(golden.name)")
            }
        }
    }

    func testBaselinePredictionsAndGoldenCasesComeFromTheModelWhenRowsAreInputs() throws {
        // ad01 takes 640 values: a CSV with 640 feature columns is quantised and run row by row.
        let columns = (0..<640).map { "x\($0)" }
        var text = columns.joined(separator: ",") + "\n"
        var random = SplitMix64(seed: 42)
        for _ in 0..<12 { text += (0..<640).map { _ in String(Double(random.next(2000)) / 100 - 10) }.joined(separator: ",") + "\n" }
        var builder = BundleBuilder(modelBytes: try Fixtures.modelBytes("ad01_int8"), metadata: Fixtures.metadata(),
                                    labels: [], baselineCSV: Array(text.utf8))
        builder.bins = 4
        let bundle = try builder.build()
        let baseline = try DriftBaseline.decode(bundle.baselineBytes)
        XCTAssertEqual(baseline.predictions.source, "model")
        XCTAssertEqual(baseline.predictions.counts.reduce(0, +), 12)
        XCTAssertEqual(baseline.features.count, 640)
        let manifest = try bundle.unverifiedManifest()
        let golden = try GoldenSet.decode(bundle.goldenBytes, inputs: manifest.inputs, outputs: manifest.outputs)
        XCTAssertEqual(golden.cases.count, 3)
        let runner = try ModelRunner(modelBytes: try Fixtures.modelBytes("ad01_int8"))
        XCTAssertEqual(try runner.run(golden.cases[0].inputs), golden.cases[0].outputs)
    }

    func testCheckVerdictsForConformanceModelsOnEveryProfile() throws {
        let profiles = try FirmwareProfile.all(in: Fixtures.profiles)
        for name in try Fixtures.conformanceModels() {
            let model = try Fixtures.modelBytes(name)
            guard try ModelAnalyzer.unsupportedOperators(in: model).isEmpty else { continue }
            let analysis: ModelAnalysis
            do { analysis = try ModelAnalyzer.analyze(model) } catch {
                XCTFail("\(name): \(error)")
                continue
            }
            for profile in profiles {
                let fit = ProfileFit(requirements: analysis.requirements(), payloadLength: model.count,
                                     unsupportedOperators: [], profile: profile)
                // Every conformance model is small enough for every board's own budget.
                XCTAssertTrue(fit.fits, "\(name) on \(profile.id): \(fit.problems)")
                XCTAssertEqual(fit.estimatedLatencySeconds, Double(analysis.macs) / profile.effectiveMacsPerSecond, accuracy: 1e-12)
            }
        }
    }

    func testMobileNetV2FitsAPi4AndIsRefusedByATightZero2WBudget() throws {
        let name = "tf2_mobilenet_v2_1.0_224_ptq"
        let model = try Fixtures.modelBytes(name)
        let unsupported = try ModelAnalyzer.unsupportedOperators(in: model)
        guard unsupported.isEmpty else {
            XCTFail("the runtime does not implement \(unsupported.joined(separator: ", ")), so \(name) cannot be sized")
            return
        }
        let analysis = try ModelAnalyzer.analyze(model)
        XCTAssertEqual(Double(analysis.macs), 300e6, accuracy: 20e6, "the 300-MMAC workload")
        let pi4 = try FirmwareProfile.load("rpi-4b-2gb", directory: Fixtures.profiles)
        let onPi4 = ProfileFit(requirements: analysis.requirements(), payloadLength: model.count, unsupportedOperators: [], profile: pi4)
        XCTAssertTrue(onPi4.fits, "\(onPi4.problems)")
        XCTAssertLessThan(onPi4.estimatedLatencySeconds, 0.1)

        // A Zero 2 W that also runs a camera pipeline leaves the agent a 1 MiB arena: MobileNet's activations do not fit.
        let budget = try tightZeroBudget()
        let onZero = ProfileFit(requirements: analysis.requirements(), payloadLength: model.count, unsupportedOperators: [], profile: budget)
        XCTAssertFalse(onZero.fits)
        XCTAssertEqual(onZero.problems.first?.code, .profileMismatch)
        XCTAssertTrue(onZero.problems.contains { $0.message.contains("arena") }, "\(onZero.problems)")
        // The keyword spotter's 16 KB arena still fits the same board.
        let kws = try ModelAnalyzer.analyze(try Fixtures.modelBytes("kws_ref_model"))
        XCTAssertTrue(ProfileFit(requirements: kws.requirements(), payloadLength: 53_936, unsupportedOperators: [], profile: budget).fits)
    }

    func testArenaOverBudgetIsRefusedByVerify() throws {
        // A real model against a budget fixture: vww_96_int8's arena exceeds a 32 KiB arena budget.
        let (directory, store) = try Fixtures.keys(self)
        var budget = try tightZeroBudget()
        budget.memory.arenaBytes = 32 << 10
        let kws = try build("kws_ref_model").signed(with: directory.signingKey(now: Fixtures.now))
        XCTAssertNoThrow(try Fixtures.verifier(store, profile: budget).verify(kws.encoded()))
        let vwwModel = try Fixtures.modelBytes("vww_96_int8")
        guard try ModelAnalyzer.unsupportedOperators(in: vwwModel).isEmpty else { return XCTFail("vww_96_int8 must be runnable") }
        let vww = try build("vww_96_int8").signed(with: directory.signingKey(now: Fixtures.now))
        let error = XCTAssertBundleError(.profileMismatch, try Fixtures.verifier(store, profile: budget).verify(vww.encoded()))
        XCTAssertTrue(error?.message.contains("arena") ?? false)
    }

    func testUnsupportedOperatorIsRefusedByNameBeforeAndAfterInflating() throws {
        let (directory, store) = try Fixtures.keys(self)
        let profile = try FirmwareProfile.load("rpi-4b-2gb", directory: Fixtures.profiles)
        let key = try directory.signingKey(now: Fixtures.now)
        // Declared: the signed manifest lists an operator the runtime lacks.
        let declared = try Fixtures.assemble("ad01_int8", analysis: Fixtures.statedAnalysis("ad01_int8", operators: ["FULLY_CONNECTED", "LOCAL_RESPONSE_NORMALIZATION"]))
        let error = XCTAssertBundleError(.unsupportedOperator, try Fixtures.verifier(store, profile: profile).verify(declared.signed(with: key).encoded()))
        XCTAssertTrue(error?.message.contains("LOCAL_RESPONSE_NORMALIZATION") ?? false)

        // Actual: the model's FULLY_CONNECTED operator code rewritten to LOCAL_RESPONSE_NORMALIZATION, while the manifest claims FULLY_CONNECTED.
        let patched = try Self.replacingOperatorCode(in: Fixtures.modelBytes("ad01_int8"), from: 9, to: 13)
        XCTAssertEqual(try ModelAnalyzer.unsupportedOperators(in: patched), ["LOCAL_RESPONSE_NORMALIZATION"])
        XCTAssertEqual(try ModelAnalyzer.analyze(patched).unsupportedOperators, ["LOCAL_RESPONSE_NORMALIZATION"])
        let analysis = try Fixtures.statedAnalysis("ad01_int8")
        let golden = try GoldenSet.load(directory: "\(Fixtures.conformance)/ad01_int8", inputCount: 1, outputCount: 1, limit: 1, reference: nil)
        let table = try BaselineTable(csv: Fixtures.baselineCSV(classes: 640))
        let baseline = try DriftBaseline.build(table: table, featureColumns: ["energy"], predictions: [], classCount: 640,
                                               predictionSource: "column", bins: 4)
        let lying = try BundleBuilder.assemble(modelBytes: patched, metadata: Fixtures.metadata(), labels: [], analysis: analysis,
                                               baseline: baseline, golden: golden).signed(with: key)
        XCTAssertNoThrow(try Fixtures.verifier(store).verify(lying.encoded()), "without a profile the operators are not checked")
        XCTAssertBundleError(.unsupportedOperator, try Fixtures.verifier(store, profile: profile).verify(lying.encoded()))
        var builder = BundleBuilder(modelBytes: patched, metadata: Fixtures.metadata(), labels: [], baselineCSV: Fixtures.baselineCSV(classes: 640))
        builder.goldenDirectory = "\(Fixtures.conformance)/ad01_int8"
        XCTAssertBundleError(.unsupportedOperator, try builder.build())
    }

    private func tightZeroBudget() throws -> FirmwareProfile {
        var profile = try FirmwareProfile.load("rpi-zero-2w", directory: Fixtures.profiles)
        profile.id = "rpi-zero-2w-camera"
        profile.memory.arenaBytes = 1 << 20
        try profile.validate()
        return profile
    }

    /// Rewrites every operator code `from` to `to` in a .tflite flatbuffer (both the byte and the int32 field).
    static func replacingOperatorCode(in model: [UInt8], from: Int32, to: Int32) throws -> [UInt8] {
        var bytes = model
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        func field(_ table: Int, _ index: Int) -> Int? {
            let vtable = table - Int(Int32(truncatingIfNeeded: u32(table)))
            let entry = 4 + 2 * index
            guard entry < u16(vtable), u16(vtable + entry) != 0 else { return nil }
            return table + u16(vtable + entry)
        }
        let root = u32(0)
        guard let codesField = field(root, 1) else { throw BundleError(.invalidInput, "model has no operator codes") }
        let vector = codesField + u32(codesField)
        var replaced = 0
        for index in 0..<u32(vector) {
            let element = vector + 4 + 4 * index
            let table = element + u32(element)
            let deprecated = field(table, 0)
            let current = field(table, 3)
            let code = max(deprecated.map { Int32(Int8(bitPattern: bytes[$0])) } ?? 0,
                           current.map { Int32(truncatingIfNeeded: u32($0)) } ?? 0)
            guard code == from else { continue }
            if let deprecated { bytes[deprecated] = UInt8(truncatingIfNeeded: to) }
            if let current { for byte in 0..<4 { bytes[current + byte] = UInt8(truncatingIfNeeded: to >> (8 * Int32(byte))) } }
            replaced += 1
        }
        guard replaced > 0 else { throw BundleError(.invalidInput, "operator code \(from) not found") }
        return bytes
    }
}
