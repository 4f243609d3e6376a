import Bundles
import FleetSupport
import Dispatch
import XCTest

/// Every modification of a signed bundle must be refused, none may crash the parser.
final class TamperingTests: XCTestCase {
    private func signedBundle(_ model: String) throws -> ([UInt8], BundleVerifier) {
        let (directory, store) = try Fixtures.keys(self)
        let bytes = try Fixtures.assemble(model).signed(with: directory.signingKey(now: Fixtures.now)).encoded()
        let verifier = Fixtures.verifier(store)
        XCTAssertNoThrow(try verifier.verify(bytes))
        return (bytes, verifier)
    }

    /// Flips one bit in every byte position (cycling through the bit positions) and counts acceptances.
    private func acceptedSingleFlips(_ bytes: [UInt8], verifier: BundleVerifier, positions: [Int]) -> [Int] {
        let workers = 4
        let accepted = UnsafeMutableBufferPointer<Int>.allocate(capacity: positions.count)
        accepted.initialize(repeating: -1)
        defer { accepted.deallocate() }
        let shared = SendableBuffer(accepted)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var copy = bytes
            for slot in stride(from: worker, to: positions.count, by: workers) {
                let position = positions[slot]
                let mask = UInt8(1) << UInt8(position % 8)
                copy[position] ^= mask
                if (try? verifier.verify(copy)) != nil { shared.buffer[slot] = position }
                copy[position] ^= mask
            }
        }
        return accepted.filter { $0 >= 0 }
    }

    func testEverySingleFlippedByteIsRefused() throws {
        // kws_ref_model gives a ~40 KB bundle: every byte position is tried.
        let (bytes, verifier) = try signedBundle("kws_ref_model")
        let accepted = acceptedSingleFlips(bytes, verifier: verifier, positions: Array(bytes.indices))
        XCTAssertEqual(accepted, [], "flips accepted at \(accepted.prefix(10))")
    }

    func testFlippedBytesAcrossTheAnomalyDetectorBundleAreRefused() throws {
        // ad01_int8: every byte of header, manifest, signatures, baseline and golden cases, every 61st of the payload.
        let (bytes, verifier) = try signedBundle("ad01_int8")
        let file = try BundleFile(parsing: bytes)
        let payloadStart = bytes.count - file.compressedPayload.count
        let positions = Array(0..<payloadStart) + Array(stride(from: payloadStart, to: bytes.count, by: 61)) + [bytes.count - 1]
        let accepted = acceptedSingleFlips(bytes, verifier: verifier, positions: positions)
        XCTAssertEqual(accepted, [], "flips accepted at \(accepted.prefix(10))")
    }

    func testRandomMutationsNeverCrashNorPass() throws {
        let (bytes, verifier) = try signedBundle("opzoo_elementwise")
        var random = SplitMix64(seed: 0xED6E_F1EE7)
        var refusals: [BundleError.Code: Int] = [:]
        for iteration in 0..<3000 {
            var mutated = bytes
            switch iteration % 8 {
            case 0: // a few random bytes changed
                for _ in 0..<(1 + random.next(4)) {
                    let index = random.next(mutated.count)
                    mutated[index] ^= UInt8(1 + random.next(255))
                }
            case 1: // truncated anywhere
                mutated.removeLast(1 + random.next(mutated.count - 1))
            case 2: // bytes appended
                mutated += (0..<(1 + random.next(64))).map { _ in UInt8(random.next(256)) }
            case 3: // a range deleted
                let start = random.next(mutated.count)
                mutated.removeSubrange(start..<min(mutated.count, start + 1 + random.next(32)))
            case 4: // random bytes inserted
                mutated.insert(contentsOf: (0..<(1 + random.next(16))).map { _ in UInt8(random.next(256)) }, at: random.next(mutated.count))
            case 5: // a section length rewritten with a random or boundary value
                let lengthOffsets = sectionLengthOffsets(bytes)
                let offset = lengthOffsets[random.next(lengthOffsets.count)]
                let value: UInt64 = [0, 1, UInt64.max, UInt64(UInt32.max), UInt64(random.next(1 << 30))][random.next(5)]
                for index in 0..<8 { mutated[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
            case 6: // two ranges swapped
                let length = 1 + random.next(16)
                let a = random.next(mutated.count - length)
                let b = random.next(mutated.count - length)
                let first = Array(mutated[a..<(a + length)])
                mutated.replaceSubrange(a..<(a + length), with: mutated[b..<(b + length)])
                mutated.replaceSubrange(b..<(b + length), with: first)
            default: // a random prefix of garbage
                mutated = (0..<random.next(128)).map { _ in UInt8(random.next(256)) } + Array(bytes.prefix(random.next(64)))
            }
            if mutated == bytes { continue }
            do {
                _ = try verifier.verify(mutated)
                XCTFail("mutation \(iteration) (kind \(iteration % 8)) was accepted")
            } catch {
                refusals[error.code, default: 0] += 1
            }
        }
        XCTAssertGreaterThan(refusals.count, 4, "mutations should hit several checks: \(refusals)")
    }

    /// Offsets of the five section-length fields of a bundle.
    private func sectionLengthOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        var offset = BundleFormat.headerLength
        for _ in 0..<5 {
            offsets.append(offset + 4)
            let length = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + 4 + $1]) << (8 * UInt64($1)) }
            offset += BundleFormat.sectionHeaderLength + Int(length)
        }
        return offsets
    }
}

/// Deterministic pseudo-random numbers (the package's SplitMix64), so a failing mutation can be replayed.
extension SplitMix64 {
    /// A value in 0..<bound (modulo: the tests' own draw, kept so recorded seeds replay the same mutations).
    mutating func next(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(next() % UInt64(bound)) }
}

/// Lets concurrentPerform workers write disjoint slots of one buffer.
struct SendableBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Int>
    init(_ buffer: UnsafeMutableBufferPointer<Int>) { self.buffer = buffer }
}
