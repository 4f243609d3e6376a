import Crypto
import Foundation
import TestSupport
import XCTest

/// docs/openapi.yaml is the source of truth: the committed generated code must come from the spec as it is now.
final class OpenAPISpecTests: XCTestCase {
    func testGeneratedCodeWasRegeneratedFromTheCurrentSpec() throws {
        let spec = try Data(contentsOf: Fixtures.root.appendingPathComponent("docs/openapi.yaml"))
        let recorded = try String(contentsOf: Fixtures.root.appendingPathComponent("Sources/CollectorAPI/Generated/openapi.sha256"), encoding: .utf8)
        let actual = SHA256.hash(data: spec).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(recorded.trimmingCharacters(in: .whitespacesAndNewlines), actual,
                       "docs/openapi.yaml changed since Sources/CollectorAPI/Generated was generated: run scripts/generate-openapi.sh and commit the result")
    }

    func testEveryOperationOfTheSpecIsGenerated() throws {
        let spec = String(decoding: try Data(contentsOf: Fixtures.root.appendingPathComponent("docs/openapi.yaml")), as: UTF8.self)
        let server = String(decoding: try Data(contentsOf: Fixtures.root.appendingPathComponent("Sources/CollectorAPI/Generated/Server.swift")), as: UTF8.self)
        let operationIDs = spec.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("operationId: ") ? String(trimmed.dropFirst("operationId: ".count)) : nil
        }
        XCTAssertGreaterThanOrEqual(operationIDs.count, 24)
        for id in operationIDs {
            XCTAssertTrue(server.contains("APIHandler.\(id)("), "\(id) is in the spec but not in the generated server")
        }
    }
}
