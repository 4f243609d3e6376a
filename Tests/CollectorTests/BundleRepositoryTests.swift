import Collector
import Foundation
import XCTest

/// The content-addressed bundle store, written through FleetSupport's durable files.
final class BundleRepositoryTests: XCTestCase {
    func testPutStoresByDigestOnceAndReadsBack() throws {
        let root = NSTemporaryDirectory() + "bundles-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repository = try BundleRepository(root: root)
        let bytes = [UInt8](repeating: 7, count: 1000) + [1, 2, 3]
        let digest = try repository.put(bytes)
        XCTAssertEqual(digest, BundleRepository.digest(of: bytes))
        XCTAssertEqual(repository.path(of: digest), "\(root)/sha256/\(digest.prefix(2))/\(digest)")
        XCTAssertEqual(try repository.put(bytes), digest, "a second put is a no-op")
        XCTAssertEqual(repository.size(of: digest), bytes.count)
        XCTAssertEqual(try repository.read(digest), bytes)
        XCTAssertEqual(try repository.read(digest, offset: 1000, length: 10), [1, 2, 3])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "\(root)/incoming"), [], "no temporary file is left")
        XCTAssertNil(repository.size(of: String(repeating: "0", count: 64)))
    }
}
