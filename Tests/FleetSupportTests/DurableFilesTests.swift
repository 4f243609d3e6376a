import FleetSupport
import Foundation
import XCTest

final class DurableFilesTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "durable-\(UUID().uuidString)"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func testWriteReadRoundTripReplacesWholeFiles() throws {
        let path = "\(directory)/a/b/file"
        try DurableFiles.createDirectory("\(directory)/a/b")
        XCTAssertNil(try DurableFiles.read(path))
        try DurableFiles.write(path, [1, 2, 3])
        XCTAssertEqual(try DurableFiles.read(path), [1, 2, 3])
        try DurableFiles.write(path, [9])
        XCTAssertEqual(try DurableFiles.read(path), [9])
        XCTAssertEqual(try DurableFiles.list("\(directory)/a/b"), ["file"])
        XCTAssertNil(try DurableFiles.list("\(directory)/missing"))
        XCTAssertEqual(DurableFiles.size(path), 1)
        try DurableFiles.remove(path, sync: true)
        XCTAssertFalse(DurableFiles.exists(path))
    }

    func testExclusiveCreationRefusesToOverwriteAndSetsTheExactMode() throws {
        try DurableFiles.createDirectory(directory)
        let path = "\(directory)/key"
        try DurableFiles.createExclusively(path, [7], mode: 0o600)
        XCTAssertEqual(DurableFiles.permissions(path), 0o600)
        XCTAssertThrowsError(try DurableFiles.createExclusively(path, [8], mode: 0o600)) { error in
            XCTAssertEqual((error as? FileError)?.message, "\(path) already exists; refusing to overwrite it: File exists")
        }
        XCTAssertEqual(try DurableFiles.read(path), [7])
    }

    func testReadingADirectoryAsARegularFileIsRefused() throws {
        try DurableFiles.createDirectory(directory)
        XCTAssertThrowsError(try DurableFiles.read(directory, regularOnly: true)) { error in
            XCTAssertEqual((error as? FileError)?.message, "\(directory) is not a regular file")
        }
        try DurableFiles.write("\(directory)/plain", [])
        XCTAssertThrowsError(try DurableFiles.createDirectory("\(directory)/plain"))
    }

    func testParent() {
        XCTAssertEqual(DurableFiles.parent(of: "/a/b"), "/a")
        XCTAssertEqual(DurableFiles.parent(of: "/a"), "/")
        XCTAssertEqual(DurableFiles.parent(of: "a"), ".")
    }
}
