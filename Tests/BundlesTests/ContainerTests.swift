import Bundles
import XCTest

final class ContainerTests: XCTestCase {
    func testEncodeParseRoundTripKeepsEverySection() throws {
        let (directory, _) = try Fixtures.keys(self)
        let bundle = try Fixtures.assemble("opzoo_elementwise").signed(with: directory.signingKey(now: Fixtures.now))
        let bytes = bundle.encoded()
        let parsed = try BundleFile(parsing: bytes)
        XCTAssertEqual(parsed.manifestBytes, bundle.manifestBytes)
        XCTAssertEqual(parsed.signatures, bundle.signatures)
        XCTAssertEqual(parsed.baselineBytes, bundle.baselineBytes)
        XCTAssertEqual(parsed.goldenBytes, bundle.goldenBytes)
        XCTAssertEqual(parsed.compressedPayload, bundle.compressedPayload)
        XCTAssertEqual(parsed.encoded(), bytes)
        XCTAssertEqual(Array(bytes.prefix(8)), BundleFormat.magic)
    }

    func testManifestBytesAreCanonicalAndDeterministic() throws {
        let first = try Fixtures.assemble("opzoo_elementwise")
        let second = try Fixtures.assemble("opzoo_elementwise")
        XCTAssertEqual(first.encoded(), second.encoded(), "same inputs must give the same bundle")
        let manifest = try first.unverifiedManifest()
        XCTAssertEqual(try manifest.canonicalBytes(), Array(first.manifestBytes))
        let text = String(decoding: first.manifestBytes, as: UTF8.self)
        XCTAssertFalse(text.contains("\n"))
        XCTAssertTrue(text.hasPrefix("{\"baseline\":"), "keys are sorted")
    }

    func testEveryTruncationIsRefused() throws {
        let bytes = try Fixtures.assemble("opzoo_elementwise").encoded()
        for length in 0..<bytes.count {
            XCTAssertThrowsError(try BundleFile(parsing: Array(bytes.prefix(length))), "prefix of \(length) bytes") { error in
                let code = (error as? BundleError)?.code
                XCTAssertTrue(code == .truncated || code == .malformed, "prefix \(length): \(error)")
            }
        }
        XCTAssertBundleError(.truncated, try BundleFile(parsing: Array(bytes.prefix(bytes.count - 1))))
    }

    func testTrailingBytesWrongMagicAndFutureVersionAreRefused() throws {
        let bytes = try Fixtures.assemble("opzoo_elementwise").encoded()
        XCTAssertBundleError(.malformed, try BundleFile(parsing: bytes + [0]))
        var wrongMagic = bytes
        wrongMagic[1] = UInt8(ascii: "X")
        XCTAssertBundleError(.malformed, try BundleFile(parsing: wrongMagic))
        var future = bytes
        future[8] = 2
        let error = XCTAssertBundleError(.malformed, try BundleFile(parsing: future))
        XCTAssertTrue(error?.message.contains("version 2") ?? false)
    }

    func testHugeSectionLengthIsRefusedWithoutAllocating() throws {
        var bytes = try Fixtures.assemble("opzoo_elementwise").encoded()
        // The manifest length field sits after the 16-byte header and the 4-byte tag.
        for index in 20..<28 { bytes[index] = 0xFF }
        XCTAssertBundleError(.truncated, try BundleFile(parsing: bytes))
    }

    func testSigningTwiceWithOneKeyKeepsOneSignature() throws {
        let (directory, _) = try Fixtures.keys(self)
        let key = try directory.signingKey(now: Fixtures.now)
        let bundle = try Fixtures.assemble("opzoo_elementwise").signed(with: key).signed(with: key)
        XCTAssertEqual(bundle.signatures.map(\.keyID), [key.keyID])
    }
}
