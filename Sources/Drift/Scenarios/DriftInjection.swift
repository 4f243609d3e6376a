/// A change injected into generated data, with the features it touches (ground truth for the quality tests).
public struct DriftInjection: Codable, Equatable, Sendable {
    /// What changes.
    public enum Kind: Codable, Equatable, Sendable {
        /// No change: a control.
        case none
        /// Each touched feature shifts by `sigmas` of its own standard deviation.
        case meanShift(sigmas: Double)
        /// Each touched feature's variance is multiplied by `factor`, its mean kept (stays log-normal).
        case varianceChange(factor: Double)
        /// A stuck sensor: each touched feature reads a constant, its baseline median.
        case stuck
        /// A calibration gain drift: each touched feature is multiplied by `factor`.
        case gain(factor: Double)
        /// A new operating mode: a `share` of rows come from a mode whose log-level is `sigmas` log-sigmas higher.
        case newMode(share: Double, sigmas: Double)
    }

    public var kind: Kind
    /// The indices of the touched features; nil means all.
    public var features: [Int]?

    public init(_ kind: Kind, features: [Int]? = nil) {
        self.kind = kind
        self.features = features
    }

    /// Whether feature `index` is touched (never for `.none`).
    public func touches(_ index: Int) -> Bool {
        if kind == .none { return false }
        return features.map { $0.contains(index) } ?? true
    }

    /// The scenario names `edgectl drift-scenario` accepts, with their default magnitudes.
    public static let names = ["none", "mean-shift", "negligible-shift", "variance", "stuck", "gain", "new-mode"]

    /// The injection named `name` (see `names`); `magnitude` overrides the default (σ for shifts, factor for
    /// variance and gain, share for a new mode). Nil for an unknown name.
    public static func named(_ name: String, magnitude: Double? = nil, features: [Int]? = nil) -> DriftInjection? {
        let kind: Kind
        switch name {
        case "none": kind = .none
        case "mean-shift": kind = .meanShift(sigmas: magnitude ?? 0.5)
        case "negligible-shift": kind = .meanShift(sigmas: magnitude ?? 0.03)
        case "variance": kind = .varianceChange(factor: magnitude ?? 2)
        case "stuck": kind = .stuck
        case "gain": kind = .gain(factor: magnitude ?? 1.1)
        case "new-mode": kind = .newMode(share: magnitude ?? 0.3, sigmas: 1.5)
        default: return nil
        }
        return DriftInjection(kind, features: features)
    }
}
