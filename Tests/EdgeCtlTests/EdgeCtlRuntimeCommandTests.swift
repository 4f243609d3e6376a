import Foundation
import TestSupport
import XCTest

/// The runtime commands of the real edgectl binary: conformance, inspect, run, bench, and their error paths.
final class EdgeCtlRuntimeCommandTests: XCTestCase {
    private func edgectl(_ arguments: String...) throws -> ProductProcess.Result {
        try ProductProcess.run("edgectl", arguments)
    }

    func testConformancePassesOnEveryFixture() throws {
        let result = try edgectl("conformance", "Tests/Fixtures/conformance")
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 54)
        for line in lines {
            XCTAssertTrue(line.hasPrefix("PASS "), String(line))
            XCTAssertTrue(line.hasSuffix("max_abs_diff=0"), String(line))
        }
    }

    func testConformanceFailsOnAWrongReference() throws {
        let dir = try Fixtures.temporaryDirectory("conformance")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixture = dir.appendingPathComponent("kws")
        try FileManager.default.copyItem(at: Fixtures.conformance.appendingPathComponent("kws_ref_model"), to: fixture)
        let ref = fixture.appendingPathComponent("case-1.ref-0.bin")
        var bytes = try Data(contentsOf: ref)
        bytes[3] = bytes[3] &+ 5
        try bytes.write(to: ref)
        let result = try edgectl("conformance", dir.path)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.hasPrefix("FAIL \(fixture.path) cases=3 max_abs_diff=5"), result.stdout)
    }

    func testConformanceReportsUnsupportedOperators() throws {
        // A model whose opcode is patched to LOCAL_RESPONSE_NORMALIZATION: still a valid file, but an operator the runtime lacks.
        let dir = try Fixtures.temporaryDirectory("conformance")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixture = dir.appendingPathComponent("patched")
        try FileManager.default.copyItem(at: Fixtures.conformance.appendingPathComponent("ad01_int8"), to: fixture)
        let modelURL = fixture.appendingPathComponent("model.tflite")
        var model = try Data(contentsOf: modelURL)
        // FULLY_CONNECTED (9) appears as the operator code's int8 deprecated field and int32 field; both become
        // LOCAL_RESPONSE_NORMALIZATION (13).
        let patched = try XCTUnwrap(Self.patchOperatorCode(&model, from: 9, to: 13))
        XCTAssertTrue(patched)
        try model.write(to: modelURL)
        let result = try edgectl("conformance", fixture.path)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "UNSUPPORTED \(fixture.path) ops=LOCAL_RESPONSE_NORMALIZATION\n")
    }

    /// Rewrites the builtin code fields of the model's operator-code tables (found via the flatbuffer layout).
    static func patchOperatorCode(_ data: inout Data, from: UInt8, to: UInt8) -> Bool? {
        let bytes = [UInt8](data)
        func u32(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 | Int(bytes[o + 2]) << 16 | Int(bytes[o + 3]) << 24 }
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        let root = u32(0)
        let vtable = root - Int(Int32(bitPattern: UInt32(u32(root))))
        let codesField = u16(vtable + 4 + 2 * 1)
        guard codesField != 0 else { return nil }
        let vector = root + codesField + u32(root + codesField)
        var changed = false
        for i in 0..<u32(vector) {
            let slot = vector + 4 + 4 * i
            let table = slot + u32(slot)
            let vt = table - Int(Int32(bitPattern: UInt32(u32(table))))
            let vtSize = u16(vt)
            for field in [0, 3] where 4 + 2 * field < vtSize {
                let offset = u16(vt + 4 + 2 * field)
                if offset != 0 && bytes[table + offset] == from {
                    data[table + offset] = to
                    changed = true
                }
            }
        }
        return changed
    }

    func testInspectShowsOperatorsAndArena() throws {
        let result = try edgectl("inspect", "Tests/Fixtures/conformance/kws_ref_model/model.tflite")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("#0 CONV_2D"), result.stdout)
        XCTAssertTrue(result.stdout.contains("MACs: 2656768"), result.stdout)
        XCTAssertTrue(result.stdout.contains("arena: 16000 bytes"), result.stdout)
        XCTAssertTrue(result.stdout.contains("int8 [1, 49, 10, 1] scale="), result.stdout)
    }

    func testRunWritesTheReferenceOutput() throws {
        let dir = try Fixtures.temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.bin").path
        let result = try edgectl("run", "Tests/Fixtures/conformance/mobilenet_v1_0.25_128_quant/model.tflite",
                                 "--input", "Tests/Fixtures/conformance/mobilenet_v1_0.25_128_quant/case-2.in-0.bin",
                                 "--output", out, "--top", "3")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)),
                       try Data(contentsOf: Fixtures.conformance.appendingPathComponent("mobilenet_v1_0.25_128_quant/case-2.ref-0.bin")))
        // The top class is the reference's argmax recorded in cases.json for this photo (401 for this small model).
        XCTAssertTrue(result.stdout.contains("1. class 401 "), result.stdout)
    }

    func testMobileNetV2RecognisesGraceHopper() throws {
        let result = try edgectl("run", "Tests/Fixtures/conformance/tf2_mobilenet_v2_1.0_224_ptq/model.tflite",
                                 "--input", "Tests/Fixtures/conformance/tf2_mobilenet_v2_1.0_224_ptq/case-2.in-0.bin", "--top", "1")
        XCTAssertEqual(result.status, 0, result.stderr)
        // 653 is "military uniform" in the 1001-class ImageNet labels.
        XCTAssertTrue(result.stdout.contains("1. class 653 "), result.stdout)
    }

    func testBenchPrintsOneJSONObject() throws {
        let result = try edgectl("bench", "Tests/Fixtures/conformance/ad01_int8/model.tflite", "--iterations", "5", "--warmup", "1", "--json")
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for key in ["median_ms", "p90_ms", "arena_bytes", "peak_rss_bytes", "macs", "workspace_bytes"] {
            XCTAssertNotNil(object[key], key)
        }
        XCTAssertEqual(object["arena_bytes"] as? Int, 768)
    }

    func testBenchProfileListsOperators() throws {
        let result = try edgectl("bench", "Tests/Fixtures/conformance/kws_ref_model/model.tflite", "--iterations", "3", "--profile")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("#0 CONV_2D"), result.stdout)
        XCTAssertTrue(result.stdout.contains("per operator type:"), result.stdout)
    }

    // MARK: - Bad input: one line on stderr, non-zero exit, never a crash.

    private func assertOneLineError(_ result: ProductProcess.Result, contains text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(result.status, 0, file: file, line: line)
        XCTAssertLessThan(result.status, 128, "terminated by a signal", file: file, line: line)
        let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertTrue(first.contains(text), "stderr: \(result.stderr)", file: file, line: line)
        XCTAssertFalse(result.stderr.contains("Stack dump") || result.stderr.contains("Fatal error"), result.stderr, file: file, line: line)
    }

    func testMissingModelFile() throws {
        assertOneLineError(try edgectl("inspect", "/nonexistent/model.tflite"), contains: "no such file: /nonexistent/model.tflite")
    }

    func testCorruptModelFile() throws {
        let dir = try Fixtures.temporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.tflite").path
        try Data("this is not a model at all".utf8).write(to: URL(fileURLWithPath: path))
        assertOneLineError(try edgectl("inspect", path), contains: "not a valid .tflite model")
        let truncated = dir.appendingPathComponent("truncated.tflite").path
        let model = try Data(contentsOf: Fixtures.conformance.appendingPathComponent("kws_ref_model/model.tflite"))
        try model.prefix(model.count / 2).write(to: URL(fileURLWithPath: truncated))
        assertOneLineError(try edgectl("run", truncated, "--input", truncated), contains: "not a valid .tflite model")
    }

    func testInputOfTheWrongSize() throws {
        assertOneLineError(
            try edgectl("run", "Tests/Fixtures/conformance/kws_ref_model/model.tflite",
                        "--input", "Tests/Fixtures/conformance/ad01_int8/case-0.in-0.bin"),
            contains: "needs 490 bytes, got 640")
    }

    func testUnknownFlag() throws {
        assertOneLineError(try edgectl("bench", "model.tflite", "--frobnicate"), contains: "Unknown option '--frobnicate'")
    }

    func testConformanceOnAFolderWithoutFixtures() throws {
        let dir = try Fixtures.temporaryDirectory("empty")
        defer { try? FileManager.default.removeItem(at: dir) }
        assertOneLineError(try edgectl("conformance", dir.path), contains: "no fixture folders")
    }
}
