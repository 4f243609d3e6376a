import FleetSupport

extension SplitMix64 {
    /// A standard normal variate (Box–Muller; one of the pair is discarded to keep the state a single word).
    public mutating func nextGaussian() -> Double {
        var u = nextUnit()
        while u <= 0 { u = nextUnit() }
        let v = nextUnit()
        return (-2 * naturalLog(u)).squareRoot() * cosine(2 * Double.pi * v)
    }
}
