import FleetProtocol

/// What a model switch request achieved.
struct SwitchResult: Sendable {
    /// The model that served (or shadowed) before; the requester owns it again (to roll back to, or to free).
    var previous: ModelHandle?
    /// How long the inference loop was paused between two inferences to switch.
    var pause: Duration
    /// True when the loop had stopped and nothing was switched.
    var stopped: Bool
}
