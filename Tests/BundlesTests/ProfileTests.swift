import Bundles
import XCTest

final class ProfileTests: XCTestCase {
    func testEveryRequiredBoardHasAValidProfile() throws {
        let profiles = try FirmwareProfile.all(in: Fixtures.profiles)
        let ids = Set(profiles.map(\.id))
        for required in ["rpi-zero-2w", "rpi-3b-plus", "rpi-4b-2gb", "rpi-5-4gb", "generic-aarch64"] {
            XCTAssertTrue(ids.contains(required), "missing profile \(required)")
        }
        for profile in profiles {
            XCTAssertEqual(profile.arch, "aarch64")
            XCTAssertTrue(profile.features.contains("neon"), "NEON is mandatory on AArch64: \(profile.id)")
            XCTAssertFalse(profile.throughput.source.isEmpty)
            XCTAssertLessThan(profile.thermal.throttleCelsius, profile.thermal.criticalCelsius)
        }
        let byID = Dictionary(uniqueKeysWithValues: profiles.map { ($0.id, $0) })
        XCTAssertEqual(byID["rpi-zero-2w"]?.cpu.model, "Cortex-A53")
        XCTAssertEqual(byID["rpi-4b-2gb"]?.cpu.model, "Cortex-A72")
        XCTAssertEqual(byID["rpi-5-4gb"]?.cpu.model, "Cortex-A76")
        XCTAssertEqual(byID["rpi-5-4gb"]?.features.contains("dotprod"), true)
        XCTAssertEqual(byID["rpi-4b-2gb"]?.features.contains("dotprod"), false)
        XCTAssertEqual(byID["rpi-zero-2w"]?.memory.ramBytes, 512 << 20)
    }

    func testProfileFileNameMatchesItsID() throws {
        for profile in try FirmwareProfile.all(in: Fixtures.profiles) {
            XCTAssertEqual(try FirmwareProfile.load(profile.id, directory: Fixtures.profiles), profile)
        }
        XCTAssertBundleError(.invalidInput, try FirmwareProfile.load("rpi-1", directory: Fixtures.profiles))
    }

    func testLatencyEstimateFollowsThreadsAndThroughput() throws {
        var profile = try FirmwareProfile.load("rpi-4b-2gb", directory: Fixtures.profiles)
        profile.threads = 1
        XCTAssertEqual(profile.estimatedLatencySeconds(macs: 300_000_000), 300e6 / 4.5e9, accuracy: 1e-9)
        profile.threads = 3
        XCTAssertEqual(profile.estimatedLatencySeconds(macs: 300_000_000), 300e6 / (4.5e9 * 2.6), accuracy: 1e-9)
    }

    func testInvalidProfileIsRefused() throws {
        var profile = try FirmwareProfile.load("rpi-zero-2w", directory: Fixtures.profiles)
        profile.threads = 8
        XCTAssertBundleError(.invalidInput, try FirmwareProfile.decode(profile.encoded()))
    }

    func testFitNamesEveryProblem() throws {
        let zero = try FirmwareProfile.load("rpi-zero-2w", directory: Fixtures.profiles)
        let requirements = DeviceRequirements(operators: ["CONV_2D"], arenaBytes: 200 << 20, weightsBytes: 1 << 20,
                                              macs: 1_000_000, requiredFeatures: ["dotprod"])
        let fit = ProfileFit(requirements: requirements, payloadLength: 2 << 20, unsupportedOperators: ["LSTM"], profile: zero)
        XCTAssertFalse(fit.fits)
        XCTAssertEqual(fit.problems.map(\.code), [.unsupportedOperator, .profileMismatch, .profileMismatch, .profileMismatch])
        XCTAssertTrue(fit.problems[2].message.contains("arena"))
        let small = DeviceRequirements(operators: ["CONV_2D"], arenaBytes: 1 << 20, weightsBytes: 1 << 20, macs: 1_000_000)
        XCTAssertTrue(ProfileFit(requirements: small, payloadLength: 2 << 20, unsupportedOperators: [], profile: zero).fits)
        XCTAssertFalse(ProfileFit(requirements: small, payloadLength: 2 << 20, unsupportedOperators: [], profile: zero,
                                  deadlineSeconds: 1e-6).fits)
    }
}
