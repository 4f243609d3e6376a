/// How a simulated device's model behaves once it serves a given release (`edgectl fleet-sim --behaviour RELEASE=NAME`).
///
/// Lets rollouts be tested against models that are bad in each way the gates must catch, on devices that speak
/// the real protocol: the simulator cannot run the bundle, so it is told how the release behaves.
public enum ModelBehaviour: String, Sendable, CaseIterable {
    /// Behaves like the model before it.
    case good
    /// Fails the health check on load: the update ends `failed` after `healthCheck` and the device keeps its model.
    case failsHealthCheck = "fails-health-check"
    /// Installs and serves, three times slower than the device's own latency before.
    case slow
    /// Installs and serves as fast, but predicts other classes than the champion (the class mix is rotated).
    case disagrees
    /// Installs and serves as fast with the same class mix, but its errors show in labels only: lower accuracy,
    /// seen live as lower confidence.
    case wrongLabels = "wrong-labels"

    /// `RELEASE=NAME` pairs, e.g. `4=slow`.
    public static func parse(_ pairs: [String]) throws(FleetSimError) -> [UInt64: ModelBehaviour] {
        var behaviours: [UInt64: ModelBehaviour] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let release = UInt64(parts[0]), let behaviour = ModelBehaviour(rawValue: parts[1]) else {
                throw FleetSimError(.invalidConfiguration,
                                    "--behaviour \(pair): expected RELEASE=\(allCases.map(\.rawValue).joined(separator: "|")), e.g. 4=slow")
            }
            behaviours[release] = behaviour
        }
        return behaviours
    }
}
