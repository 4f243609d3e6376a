import TestSupport
import Training
import XCTest

final class CSVTests: XCTestCase {
    func testParsesHeaderFeaturesAndLabels() throws {
        let data = try Dataset(csv: "a, b ,label\r\n1,2.5,cat\n\n3,-4e1,\"dog\"\n5,6,cat\n", source: "t.csv")
        XCTAssertEqual(data.featureNames, ["a", "b"])
        XCTAssertEqual(data.labelName, "label")
        XCTAssertEqual(data.features, [1, 2.5, 3, -40, 5, 6])
        XCTAssertEqual(data.classNames, ["cat", "dog"])
        XCTAssertEqual(data.labels, [0, 1, 0])
        XCTAssertEqual(data.sourceLines, [2, 4, 5])
    }

    func testNumericLabelsSortNumericallyAndNormalise() throws {
        let data = try Dataset(csv: "x,y\n1,10\n2,9.0\n3,2\n4,10.0\n")
        XCTAssertEqual(data.classNames, ["2", "9", "10"])
        XCTAssertEqual(data.labels, [2, 1, 0, 2])
    }

    func testDigitsFixture() throws {
        let data = try TestData.digits()
        XCTAssertEqual(data.rowCount, 1797)
        XCTAssertEqual(data.featureCount, 64)
        XCTAssertEqual(data.classNames, (0...9).map(String.init))
    }

    func testSplitPutsEveryFifthRowInTest() throws {
        let data = try Dataset(csv: "x,y\n" + (0..<12).map { "\($0),\($0 % 2)" }.joined(separator: "\n"))
        let (train, test) = data.split(testEvery: 5)
        XCTAssertEqual(test.features, [4, 9])
        XCTAssertEqual(train.rowCount, 10)
        XCTAssertEqual(test.sourceLines, [6, 11])
    }

    func testHoldOutIsSeededAndStratified() throws {
        let data = TestData.blobs(classes: 3, features: 2, rows: 90, seed: 1)
        let a = data.holdOut(fraction: 0.2, seed: 7), b = data.holdOut(fraction: 0.2, seed: 7)
        XCTAssertEqual(a.heldOut.features, b.heldOut.features)
        XCTAssertEqual(a.heldOut.classCounts, [6, 6, 6])
        XCTAssertEqual(a.kept.rowCount, 72)
    }

    private func assertError(_ csv: String, _ code: TrainingError.Code, mentions: [String],
                             file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try Dataset(csv: csv, source: "bad.csv")
            XCTFail("expected an error", file: file, line: line)
        } catch {
            XCTAssertEqual(error.code, code, error.message, file: file, line: line)
            for m in mentions { XCTAssertTrue(error.message.contains(m), "\"\(error.message)\" lacks \"\(m)\"", file: file, line: line) }
        }
    }

    func testMissingValueNamesRowAndColumn() {
        assertError("a,b,y\n1,2,0\n3,,1\n", .invalidData, mentions: ["bad.csv line 3", "column 2", "\"b\"", "missing"])
    }

    func testNonNumericCellNamesRowAndColumn() {
        assertError("a,b,y\n1,2,0\n3,4,1\nx7,5,1\n", .invalidData, mentions: ["line 4", "column 1", "\"a\"", "\"x7\" is not a number"])
    }

    func testRaggedRow() {
        assertError("a,b,y\n1,2,0\n3,4\n", .invalidData, mentions: ["line 3", "2 cells", "3 columns"])
    }

    func testNaNAndInfinity() {
        assertError("a,b,y\n1,nan,0\n", .invalidData, mentions: ["line 2", "column 2", "NaN or infinite"])
        assertError("a,b,y\n1,2,0\n-inf,2,1\n", .invalidData, mentions: ["line 3", "column 1", "NaN or infinite"])
        assertError("a,b,y\n1,1e300,0\n", .invalidData, mentions: ["line 2", "column 2", "float32 range"])
    }

    func testMissingLabelAndEmptyFile() {
        assertError("a,b,y\n1,2,\n", .invalidData, mentions: ["line 2", "column 3", "missing label"])
        assertError("", .invalidData, mentions: ["empty"])
        assertError("onlyone\n1\n", .invalidData, mentions: ["header"])
    }

    func testUnreadableFile() {
        XCTAssertThrowsError(try Dataset(csvFile: "/nonexistent/data.csv")) { error in
            XCTAssertEqual((error as? TrainingError)?.code, .io)
        }
    }

    func testOneClassAndTooFewRowsAreRefusedBeforeTraining() throws {
        let one = try Dataset(csv: "a,y\n" + (0..<30).map { "\($0),same" }.joined(separator: "\n"), source: "one.csv")
        XCTAssertThrowsError(try Trainer().train(one)) { error in
            XCTAssertEqual((error as? TrainingError)?.code, .singleClass)
            XCTAssertTrue("\(error)".contains("only one class"))
        }
        let few = try Dataset(csv: "a,y\n1,0\n2,1\n3,0\n", source: "few.csv")
        XCTAssertThrowsError(try TrainingPipeline.run(few, configuration: TrainingConfiguration())) { error in
            XCTAssertEqual((error as? TrainingError)?.code, .tooFewRows)
            XCTAssertTrue("\(error)".contains("few.csv has 3"))
        }
    }
}
