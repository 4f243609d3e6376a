#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Training

/// The training progress bar on stderr: redrawn in place on a terminal, one line per ten epochs otherwise.
final class TrainProgress {
    private let enabled: Bool
    private let terminal: Bool
    private var drawn = false

    init(enabled: Bool) {
        self.enabled = enabled
        terminal = isatty(2) != 0
    }

    func report(_ r: EpochReport) {
        guard enabled else { return }
        let width = 24
        let filled = min(width, r.epoch * width / max(r.maxEpochs, 1))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        var line = "epoch \(pad(r.epoch, to: String(r.maxEpochs).count))/\(r.maxEpochs) [\(bar)] loss \(TrainFormat.fixed(Double(r.loss), 4))"
        if !r.validationAccuracy.isNaN {
            line += "  val acc \(TrainFormat.fixed(Double(r.validationAccuracy), 4))"
        } else if !r.validationLoss.isNaN {
            line += "  val loss \(TrainFormat.fixed(Double(r.validationLoss), 4))"
        }
        line += "  best \(r.bestEpoch)"
        if terminal {
            writeError("\r\u{1B}[K" + line)
            drawn = true
        } else if r.epoch == 1 || r.epoch % 10 == 0 {
            writeError(line + "\n")
        }
    }

    /// Ends the in-place line so later output starts on its own line.
    func finish() {
        if drawn { writeError("\n") }
        drawn = false
    }

    private func writeError(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    private func pad(_ n: Int, to width: Int) -> String {
        let s = String(n)
        return String(repeating: " ", count: max(0, width - s.count)) + s
    }
}

/// Number formatting without Foundation's formatters.
enum TrainFormat {
    /// `value` with `digits` decimals.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return String(value) }
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        let scaled = (abs(value) * p).rounded()
        let whole = Int(scaled / p)
        var fraction = String(Int(scaled - Double(whole) * p))
        fraction = String(repeating: "0", count: max(0, digits - fraction.count)) + fraction
        let sign = value < 0 && scaled > 0 ? "-" : ""
        return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    static func seconds(_ d: Duration) -> String {
        let c = d.components
        return fixed(Double(c.seconds) + Double(c.attoseconds) * 1e-18, 2) + " s"
    }
}
