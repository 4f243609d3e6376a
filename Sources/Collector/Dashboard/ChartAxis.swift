import Foundation

/// A chart's value axis: ticks from 0 every `step` (1, 2 or 5 × 10^k) up to `top`, the first tick at or above the data,
/// with labels that show exactly the digits the step needs.
///
/// Counts (`integers: true`, the predicted-classes chart) never get a fractional step, so their ticks are whole numbers.
struct ChartAxis: Equatable {
    let step: Double
    let top: Double

    /// About `intervals` intervals from 0 to at least `maximum`.
    init(maximum: Double, integers: Bool, intervals: Int = 4) {
        let largest = maximum.isFinite && maximum > 0 ? maximum : 1
        var step = Self.roundStep(atLeast: largest / Double(max(1, intervals)))
        if integers { step = max(1, step.rounded(.up)) }
        self.step = step
        self.top = max(step, (largest / step).rounded(.up) * step)
    }

    var ticks: [Double] { (0...Int((top / step).rounded())).map { Double($0) * step } }

    /// A tick's label: `0`, `2.5`, `0.05`, `7500`, `12.5k` (thousands from 10,000 on).
    func label(_ value: Double) -> String {
        if value == 0 { return "0" + (top >= 10_000 ? "" : Self.zeros(Self.digits(for: step))) }
        if top >= 10_000 { return DisplayFormat.decimal(value / 1000, digits: Self.digits(for: step / 1000)) + "k" }
        return DisplayFormat.decimal(value, digits: Self.digits(for: step))
    }

    private static func zeros(_ digits: Int) -> String { digits == 0 ? "" : "." + String(repeating: "0", count: digits) }

    /// 1, 2 or 5 times a power of ten, at least `value`.
    static func roundStep(atLeast value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for multiple in [1.0, 2, 5, 10] where multiple * magnitude >= value * (1 - 1e-12) { return multiple * magnitude }
        return 10 * magnitude
    }

    /// Decimal digits that show every multiple of `step` exactly (0 for whole steps, 1 for 0.5, 2 for 0.05).
    static func digits(for step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        return min(6, max(0, Int(-floor(log10(step) + 1e-9))))
    }
}
