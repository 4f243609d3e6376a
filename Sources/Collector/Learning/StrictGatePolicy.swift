import FleetSupport
import Gate

/// A `GatePolicy` read from the collector's configuration or an API body, where a misspelt field is refused
/// (the library's own decoder is lenient so stored reports stay readable).
struct StrictGatePolicy: Decodable {
    let policy: GatePolicy

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(allowing: Set(GatePolicy.fieldNames))
        policy = try GatePolicy(from: decoder)
    }
}
