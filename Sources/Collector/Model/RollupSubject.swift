/// What a rollup aggregates: one device, or one model (optionally one of its bundles) across the fleet.
public enum RollupSubject: Sendable, Equatable {
    case device(String)
    /// A model by name; with a digest, only reports served by that bundle.
    case model(String, digest: String?)
}
