/// One signal of the device-health gate (restarts, throttling, memory, temperature), folded into the `health` result.
struct RolloutHealthSignal {
    var name: String
    var verdict: RolloutGateVerdict
    var wave: Double?
    var control: Double?
    var threshold: Double
    var reason: String
}
