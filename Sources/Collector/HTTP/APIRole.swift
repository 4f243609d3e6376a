/// Who may call an API operation: no one needs a token (`open`), or a token whose role permits `TokenRole`.
enum APIRole: Hashable, Sendable {
    case open
    case token(TokenRole)

    /// The role each operation of docs/openapi.yaml needs, by `METHOD path` as the generated server registers it.
    ///
    /// `operate` changes what the fleet runs (assignments, rollouts, drift runs); `admin` changes its configuration
    /// (bundles, aliases, tags, device labels) and may do everything `operate` may.
    ///
    /// A route missing here makes the server refuse to start (`APIRouter`), so a new spec entry cannot be served
    /// without a decision about who may call it.
    static func table(metricsRequiresToken: Bool) -> [String: APIRole] {
        [
            "GET /healthz": .open,
            "GET /metrics": metricsRequiresToken ? .token(.read) : .open,
            "GET /api/v1/fleet": .token(.read),
            "GET /api/v1/devices": .token(.read),
            "GET /api/v1/devices/{id}": .token(.read),
            "PATCH /api/v1/devices/{id}": .token(.admin),
            "GET /api/v1/devices/{id}/telemetry": .token(.read),
            "GET /api/v1/devices/{id}/rollups": .token(.read),
            "GET /api/v1/devices/{id}/assignments": .token(.read),
            "POST /api/v1/devices/{id}/assignments": .token(.operate),
            "GET /api/v1/devices/{id}/downloads": .token(.read),
            "GET /api/v1/events": .token(.read),
            "GET /api/v1/models": .token(.read),
            "GET /api/v1/models/{name}": .token(.read),
            "GET /api/v1/models/{name}/versions": .token(.read),
            "GET /api/v1/models/{name}/versions/{release}": .token(.read),
            "PUT /api/v1/models/{name}/versions/{release}/tags": .token(.admin),
            "GET /api/v1/models/{name}/versions/{release}/evaluation": .token(.read),
            "POST /api/v1/models/{name}/versions/{release}/evaluation": .token(.gate),
            "POST /api/v1/models/{name}/samples": .token(.admin),
            "GET /api/v1/models/{name}/snapshots": .token(.read),
            "POST /api/v1/models/{name}/snapshots": .token(.admin),
            "GET /api/v1/snapshots/{id}": .token(.read),
            "GET /api/v1/snapshots/{id}/export": .token(.read),
            "GET /api/v1/training/jobs": .token(.read),
            "POST /api/v1/training/jobs": .token(.admin),
            "GET /api/v1/training/jobs/{id}": .token(.read),
            "POST /api/v1/training/jobs/{id}/cancel": .token(.admin),
            "GET /api/v1/models/{name}/aliases": .token(.read),
            "PUT /api/v1/models/{name}/aliases/{alias}": .token(.admin),
            "DELETE /api/v1/models/{name}/aliases/{alias}": .token(.admin),
            "GET /api/v1/models/{name}/rollups": .token(.read),
            "GET /api/v1/models/{name}/drift": .token(.read),
            "POST /api/v1/models/{name}/drift": .token(.operate),
            "GET /api/v1/models/{name}/loop": .token(.read),
            "POST /api/v1/models/{name}/loop": .token(.operate),
            "GET /api/v1/rollouts": .token(.read),
            // Operating rollouts changes what the fleet runs, not the collector's configuration: `operate`.
            "POST /api/v1/rollouts": .token(.operate),
            "GET /api/v1/rollouts/{rollout}": .token(.read),
            "POST /api/v1/rollouts/{rollout}/{action}": .token(.operate),
            "GET /api/v1/ledger": .token(.read),
            "POST /api/v1/bundles": .token(.admin),
            "GET /api/v1/bundles/{digest}": .token(.read),
        ]
    }
}
