#if canImport(Glibc)
import Glibc
#endif
import Kernels
import XCTest

/// ELU's `expm1f` is fdlibm's, so its bits do not depend on the board's C library.
final class FdlibmExpm1Tests: XCTestCase {
    /// (input bits, output bits) from glibc 2.36's `expm1f` (Debian 12), which is fdlibm's `s_expm1f.c` and what the
    /// reference outputs of the ELU fixtures were computed with: every branch (overflow, −1, both reductions, k = ±1,
    /// small k, large k, tiny |x|) is covered.
    static let glibc236: [(UInt32, UInt32)] = [
        (0xc2c80000, 0xbf800000),
        (0xc2b1999a, 0xbf800000),
        (0xc1f00000, 0xbf800000),
        (0xc195999a, 0xbf800000),
        (0xc18f3333, 0xbf800000),
        (0xc1280000, 0xbf7ffe32),
        (0xc0533333, 0xbf768ed3),
        (0xbf8ccccd, 0xbf2ac8f6),
        (0xbf8514e4, 0xbf257d0c),
        (0xbf000000, 0xbec974d0),
        (0xbeb1758e, 0xbe95f88c),
        (0xbeb16873, 0xbe95ef48),
        (0xbe800000, 0xbe62820c),
        (0xbdcccccd, 0xbdc2e49a),
        (0xba83126f, 0xba8301a9),
        (0xb300d959, 0xb300d959),
        (0x8da24260, 0x8da24260),
        (0x00000000, 0x00000000),
        (0x322bcc77, 0x322bcc77),
        (0x3e4ccccd, 0x3e62b768),
        (0x3eb1758e, 0x3ed418b2),
        (0x3f000000, 0x3f261299),
        (0x3f333333, 0x3f81c2a6),
        (0x3f8514e4, 0x3fea07fa),
        (0x3f8ccccd, 0x40004442),
        (0x40200000, 0x4132eb7f),
        (0x41200000, 0x46ac12ee),
        (0x417f0a3d, 0x4aff63d6),
        (0x4181999a, 0x4b259c97),
        (0x41a00000, 0x4de75844),
        (0x421b999a, 0x5b8b2eda),
        (0x421e0000, 0x5bfd9b8b),
        (0x42700000, 0x6abcede5),
        (0x42b16666, 0x7f7a37fc),
        (0x42b175c3, 0x7f800000),
        (0xbf400000, 0xbf0712fc),
        (0xc0000000, 0xbf5d5aab),
        (0xc0a00000, 0xbf7e466c),
        (0xc0e9999a, 0xbf7fd3ba),
        (0xc1440000, 0xbf7fffb0),
    ]

    func testMatchesFdlibmOnEveryBranch() {
        for (input, expected) in Self.glibc236 {
            let x = Float(bitPattern: input)
            XCTAssertEqual(fdlibmExpm1f(x).bitPattern, expected, "expm1f(\(x))")
        }
        XCTAssertTrue(fdlibmExpm1f(.nan).isNaN)
        XCTAssertEqual(fdlibmExpm1f(.infinity), .infinity)
        XCTAssertEqual(fdlibmExpm1f(-.infinity), -1)
    }

    /// Where the C library is glibc 2.36 (fdlibm's `expm1f`, as on Debian 12 and Raspberry Pi OS bookworm), the
    /// twin must agree with it bit for bit on a sweep of the range ELU sees; newer C libraries round differently.
    func testAgreesWithTheCLibraryWhereItIsFdlibm() throws {
        #if canImport(Glibc)
        var buffer = [CChar](repeating: 0, count: 64)
        _ = confstr(Int32(_CS_GNU_LIBC_VERSION), &buffer, buffer.count)  // "glibc 2.36"
        let version = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard version == "glibc 2.36" else {
            throw XCTSkip("the C library is \(version), whose expm1f is not fdlibm's; the table test above holds the reference bits")
        }
        var compared = 0
        for i in 0..<240_000 {
            let x = -30 + Float(i) * 0.0005  // −30 … 90, every ELU input of interest and every reduction branch
            XCTAssertEqual(fdlibmExpm1f(x).bitPattern, expm1f(x).bitPattern, "expm1f(\(x))")
            compared += 1
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100_000 {  // arbitrary bit patterns, NaN and infinities included
            let x = Float(bitPattern: generator.next())
            let (ours, theirs) = (fdlibmExpm1f(x), expm1f(x))
            XCTAssertTrue(ours.bitPattern == theirs.bitPattern || (ours.isNaN && theirs.isNaN), "expm1f(\(x))")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 100_000)
        #else
        throw XCTSkip("no glibc here")
        #endif
    }
}
