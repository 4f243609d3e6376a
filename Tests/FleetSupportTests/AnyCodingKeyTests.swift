import FleetSupport
import Foundation
import XCTest

final class AnyCodingKeyTests: XCTestCase {
    private struct Settings: Decodable, Equatable {
        var name: String
        enum CodingKeys: String, CodingKey, CaseIterable { case name, size }
        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            name = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .name)
        }
    }

    func testKnownKeysPass() throws {
        let settings = try JSONDecoder().decode(Settings.self, from: Data(#"{"name": "a", "size": 1}"#.utf8))
        XCTAssertEqual(settings.name, "a")
    }

    func testUnknownKeyIsRefusedWithTheKnownOnes() {
        XCTAssertThrowsError(try JSONDecoder().decode(Settings.self, from: Data(#"{"name": "a", "nmae": 1}"#.utf8))) { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(context.codingPath.map(\.stringValue), ["nmae"])
            XCTAssertEqual(context.debugDescription, "unknown key; known keys here: name, size")
        }
    }

    func testIntegerKeys() {
        let key = AnyCodingKey(intValue: 4)
        XCTAssertEqual(key.stringValue, "4")
        XCTAssertEqual(key.intValue, 4)
        XCTAssertNil(AnyCodingKey(stringValue: "x").intValue)
    }
}
