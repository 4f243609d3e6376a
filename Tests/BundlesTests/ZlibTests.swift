import Bundles
import XCTest

final class ZlibTests: XCTestCase {
    func testRoundTripOfARealModel() throws {
        let model = try Fixtures.modelBytes("kws_ref_model")
        let compressed = try Zlib.compress(model)
        XCTAssertLessThan(compressed.count, model.count)
        XCTAssertEqual(try Zlib.inflate(compressed, expectedLength: model.count), model)
    }

    func testEmptyInputRoundTrips() throws {
        XCTAssertEqual(try Zlib.inflate(try Zlib.compress([]), expectedLength: 0), [])
    }

    func testZipBombIsRefusedAtTheDeclaredSize() throws {
        // 64 MiB of zeros compresses to about 64 KiB: a bundle that declares 1 KiB must not inflate it.
        let bomb = try Zlib.compress([UInt8](repeating: 0, count: 64 << 20))
        XCTAssertLessThan(bomb.count, 100_000)
        XCTAssertBundleError(.oversizedPayload, try Zlib.inflate(bomb, expectedLength: 1024))
    }

    func testOneByteMoreThanDeclaredIsRefused() throws {
        let compressed = try Zlib.compress(Array(0..<200).map { UInt8($0) })
        XCTAssertBundleError(.oversizedPayload, try Zlib.inflate(compressed, expectedLength: 199))
    }

    func testDeclaredSizeAboveTheGlobalCapIsRefusedBeforeInflating() {
        XCTAssertBundleError(.oversizedPayload, try Zlib.inflate([0x78, 0x9C], expectedLength: Zlib.maximumInflatedBytes + 1))
    }

    func testShortStreamIsATamperedPayload() throws {
        let compressed = try Zlib.compress(Array(repeating: 7, count: 1000))
        XCTAssertBundleError(.tamperedPayload, try Zlib.inflate(compressed, expectedLength: 1001))
        XCTAssertBundleError(.tamperedPayload, try Zlib.inflate(Array(compressed.dropLast(3)), expectedLength: 1000))
    }

    func testCorruptAndTrailingBytesAreTamperedPayload() throws {
        var compressed = try Zlib.compress(Array("the quick brown fox jumps over the lazy dog".utf8))
        XCTAssertBundleError(.tamperedPayload, try Zlib.inflate(compressed + [0], expectedLength: 43))
        compressed[0] ^= 0xFF
        XCTAssertBundleError(.tamperedPayload, try Zlib.inflate(compressed, expectedLength: 43))
    }
}
