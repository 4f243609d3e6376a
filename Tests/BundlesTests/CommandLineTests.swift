import Bundles
import Foundation
import TestSupport
import XCTest

/// The edgectl keys and bundle subcommands, run as a process next to the test binary.
final class CommandLineTests: XCTestCase {
    private var edgectl: String!
    private var work: String!

    override func setUpWithError() throws {
        // Missing edgectl fails the test: an integration test never skips.
        edgectl = try ProductProcess.path("edgectl")
        work = try Fixtures.temporaryDirectory(self)
    }

    @discardableResult
    private func run(_ arguments: [String], expect status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: edgectl)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Fixtures.repositoryRoot)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, status, "edgectl \(arguments.joined(separator: " "))\n\(output)", file: file, line: line)
        return output
    }

    private func writeInputs(counter: Int) throws -> [String] {
        let metadata = """
            {"name":"kws","version":"1.0.\(counter)","releaseCounter":\(counter),"createdAt":1764000000,"preprocessing":"MFCC 49x10",
             "lineage":{"datasetSnapshotSHA256":"\(String(repeating: "cd", count: 32))","codeVersion":"git:1234","evaluation":{"metrics":{"top1":0.91}}}}
            """
        try metadata.write(toFile: "\(work!)/meta.json", atomically: true, encoding: .utf8)
        try Data(Fixtures.baselineCSV(classes: 12)).write(to: URL(fileURLWithPath: "\(work!)/baseline.csv"))
        try (0..<12).map { "word-\($0)" }.joined(separator: "\n").write(toFile: "\(work!)/labels.txt", atomically: true, encoding: .utf8)
        return ["--model", "\(Fixtures.conformance)/kws_ref_model/model.tflite", "--metadata", "\(work!)/meta.json",
                "--baseline", "\(work!)/baseline.csv", "--labels", "\(work!)/labels.txt",
                "--golden", "\(Fixtures.conformance)/kws_ref_model"]
    }

    func testKeysBuildSignVerifyRotateRevokeThroughTheTool() throws {
        let keys = "\(work!)/keys"
        let bundle = "\(work!)/kws.efb"
        try run(["keys", "init", "--dir", keys])
        try run(["bundle", "build"] + writeInputs(counter: 3) + ["-o", bundle])
        XCTAssertTrue(try run(["bundle", "verify", bundle, "--keys", keys], expect: 1).contains("missingSignature"))
        try run(["bundle", "sign", bundle, "--keys", keys])
        XCTAssertTrue(try run(["bundle", "verify", bundle, "--keys", keys, "--profile", "rpi-zero-2w", "--floor", "2"]).hasPrefix("OK"))
        XCTAssertTrue(try run(["bundle", "verify", bundle, "--keys", keys, "--floor", "3"], expect: 1).contains("rollback"))
        XCTAssertTrue(try run(["bundle", "inspect", bundle]).contains("kws 1.0.3"))
        let check = try run(["bundle", "check", bundle, "--profile", "all"])
        XCTAssertEqual(check.components(separatedBy: "FITS ").count - 1, 5, check)

        // One flipped byte in the middle of the file.
        var bytes = try FileIO.read(bundle)
        bytes[bytes.count / 2] ^= 0x10
        try FileIO.writeAtomically("\(work!)/flipped.efb", bytes)
        XCTAssertTrue(try run(["bundle", "verify", "\(work!)/flipped.efb", "--keys", keys], expect: 1).contains("REJECTED"))

        // Rotate, revoke the first key, re-sign: the old bundle is refused, the re-signed one passes.
        let first = try KeyDirectory(path: keys).trustFile().document.releaseKeys[0].keyID
        try run(["keys", "rotate", "--dir", keys])
        try run(["keys", "revoke", "--dir", keys, "--key", first.short, "--reason", "test"])
        XCTAssertTrue(try run(["bundle", "verify", bundle, "--keys", keys], expect: 1).contains("revokedKey"))
        try run(["bundle", "sign", bundle, "--keys", keys, "-o", "\(work!)/resigned.efb"])
        // The revoked key's signature no longer counts, the new key's does.
        XCTAssertTrue(try run(["bundle", "verify", "\(work!)/resigned.efb", "--keys", keys]).hasPrefix("OK"))

        // A fresh build signed only by the new key passes; a device pinned to the original root follows a root rotation.
        try run(["bundle", "build"] + writeInputs(counter: 4) + ["-o", "\(work!)/kws4.efb"])
        try run(["bundle", "sign", "\(work!)/kws4.efb", "--keys", keys])
        try FileManager.default.copyItem(atPath: "\(keys)/root.pub", toPath: "\(work!)/original-root.pub")
        try run(["keys", "rotate", "--dir", keys, "--root"])
        let chain = (1...4).flatMap { ["--trust", "\(keys)/trust/v\($0).json"] }
        XCTAssertTrue(try run(["bundle", "verify", "\(work!)/kws4.efb", "--root", "\(work!)/original-root.pub"] + chain).hasPrefix("OK"))
        XCTAssertTrue(try run(["bundle", "verify", "\(work!)/kws4.efb", "--keys", keys, "--no-clock", "--last-trust-version", "3"]).hasPrefix("OK"))
        XCTAssertTrue(try run(["bundle", "verify", "\(work!)/kws4.efb", "--keys", keys, "--no-clock", "--last-trust-version", "4"], expect: 1)
            .contains("clockUnknown"))
    }

    func testCheckRefusesAnArenaOverATightBudget() throws {
        let keys = "\(work!)/keys"
        let bundle = "\(work!)/kws.efb"
        try run(["keys", "init", "--dir", keys])
        try run(["bundle", "build"] + writeInputs(counter: 3) + ["-o", bundle])
        var profile = try FirmwareProfile.load("rpi-zero-2w", directory: Fixtures.profiles)
        profile.id = "rpi-zero-2w-tight"
        profile.memory.arenaBytes = 4096
        try FileIO.writeAtomically("\(work!)/tight.json", profile.encoded())
        let output = try run(["bundle", "check", bundle, "--profile", "\(work!)/tight.json", "--profile", "rpi-zero-2w"], expect: 1)
        XCTAssertTrue(output.contains("REFUSED rpi-zero-2w-tight"), output)
        XCTAssertTrue(output.contains("arena"), output)
        XCTAssertTrue(output.contains("FITS rpi-zero-2w:"), output)
    }
}
