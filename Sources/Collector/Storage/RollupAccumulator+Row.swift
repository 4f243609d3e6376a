import Foundation
import GRDB

extension RollupAccumulator {
    /// The stored rollup columns, in the order `init(row:from:)` reads them.
    static let storedColumns = "reports, inferences, errors, dropped, throughput_sum, cpu_sum, temp_max, latency, predictions, confidence, features"

    /// A stored bucket read from `row`, whose ``storedColumns`` start at column `first`.
    init(row: Row, from first: Int) {
        self.init()
        reports = UInt64(stored: row[first])
        inferences = UInt64(stored: row[first + 1])
        errors = UInt64(stored: row[first + 2])
        dropped = UInt64(stored: row[first + 3])
        throughputSum = row[first + 4]
        cpuSum = row[first + 5]
        temperatureMax = row[first + 6]
        latency = LatencyHistogram(encoded: [UInt8]((row[first + 7] as Data?) ?? Data()))
        predictions = CountsBlob.decode(row[first + 8] as Data?)
        confidence = CountsBlob.decode(row[first + 9] as Data?)
        features = FeatureCountsBlob.decode([UInt8]((row[first + 10] as Data?) ?? Data()))
    }
}
