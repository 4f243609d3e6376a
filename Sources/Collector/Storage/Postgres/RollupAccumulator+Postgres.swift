import Foundation
import PostgresNIO

extension RollupAccumulator {
    /// ``storedColumns`` as a list, in the order ``appendPostgresValues(to:)`` writes them.
    static let postgresColumns = storedColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }

    /// A stored bucket read from `row`, whose ``storedColumns`` start at column `first`.
    init(postgresRow row: PostgresRandomAccessRow, from first: Int) throws {
        self.init()
        reports = UInt64(stored: try row[first].decode(Int64.self))
        inferences = UInt64(stored: try row[first + 1].decode(Int64.self))
        errors = UInt64(stored: try row[first + 2].decode(Int64.self))
        dropped = UInt64(stored: try row[first + 3].decode(Int64.self))
        throughputSum = try row[first + 4].decode(Double.self)
        cpuSum = try row[first + 5].decode(Double.self)
        temperatureMax = try row[first + 6].decode(Double?.self)
        latency = LatencyHistogram(encoded: [UInt8](try row[first + 7].decode(Data?.self) ?? Data()))
        predictions = CountsBlob.decode(try row[first + 8].decode(Data?.self))
        confidence = CountsBlob.decode(try row[first + 9].decode(Data?.self))
        features = FeatureCountsBlob.decode([UInt8](try row[first + 10].decode(Data?.self) ?? Data()))
    }

    /// The stored columns' values, in ``postgresColumns`` order.
    func appendPostgresValues(to row: inout PostgresRowBatch.Row) {
        row.append(Int64(storing: reports))
        row.append(Int64(storing: inferences))
        row.append(Int64(storing: errors))
        row.append(Int64(storing: dropped))
        row.append(throughputSum)
        row.append(cpuSum)
        row.append(temperatureMax)
        row.append(Data(latency.encoded))
        row.append(CountsBlob.encode(predictions))
        row.append(CountsBlob.encode(confidence))
        row.append(Data(FeatureCountsBlob.encode(features)))
    }
}
