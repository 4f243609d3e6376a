/// One of the two rollup tables and the columns that key its rows (before `resolution, bucket`).
struct PostgresRollupTable: Sendable {
    let name: String
    let keyColumns: [String]

    static let device = PostgresRollupTable(name: "device_rollups", keyColumns: ["device_id"])
    static let model = PostgresRollupTable(name: "model_rollups", keyColumns: ["model", "digest"])
}
