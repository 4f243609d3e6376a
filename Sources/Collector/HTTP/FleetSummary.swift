/// `GET /api/v1/fleet`: headline numbers.
struct FleetSummary: Encodable {
    var devices: Int
    var online: Int
    var models: Int
    var telemetryReports: Int
}
