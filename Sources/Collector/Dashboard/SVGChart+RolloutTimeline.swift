extension SVGChart {
    /// A rollout's waves on a time axis: one bar per wave from its start to the next decision about it, sized by its
    /// devices (label), coloured by how it ended (passed, failed, inconclusive, running), with the abort and the
    /// end of the rollback marked.
    static func rolloutTimeline(_ rollout: RolloutRecord, now: Int64) -> String {
        let title = "Waves of rollout \(rollout.id)"
        guard !rollout.waveStartedAt.isEmpty else { return empty(title: title) }
        let start = rollout.createdAt
        let end = max(rollout.finishedAt ?? now, start + 1000)
        let span = Double(end - start)
        let plotWidth = width - margin.left - margin.right
        func x(_ time: Int64) -> Double { margin.left + Double(min(max(time, start), end) - start) / span * plotWidth }
        let rows = max(rollout.plan.waves.count, 1)
        let rowHeight = min(28.0, (height - margin.top - margin.bottom) / Double(rows))
        var svg = header(title: title)
        for (index, started) in rollout.waveStartedAt.enumerated() where index < rollout.plan.waves.count {
            let judged = rollout.decisions.last { $0.wave == index && ($0.kind.hasPrefix("gate.") || $0.kind == "aborted") }
            let next = index + 1 < rollout.waveStartedAt.count ? rollout.waveStartedAt[index + 1] : (judged?.at ?? rollout.finishedAt ?? now)
            let outcome = judged?.kind ?? "running"
            let color = switch outcome {
            case "gate.passed": "#12b76a"
            case "gate.failed", "aborted": "#f04438"
            case "gate.inconclusive": "#eaaa08"
            default: "#2f6fed"
            }
            let y = margin.top + Double(index) * rowHeight
            let name = index == 0 ? "canary" : "wave \(index)"
            svg += "<rect class=\"wave\" x=\"\(f(x(started)))\" y=\"\(f(y + 2))\" width=\"\(f(max(2, x(next) - x(started))))\" height=\"\(f(rowHeight - 4))\" fill=\"\(color)\"><title>\(HTMLEscaper.escape("\(name): \(rollout.plan.waves[index].count) devices, \(outcome)"))</title></rect>"
            svg += "<text class=\"axis\" x=\"\(f(margin.left - 6))\" y=\"\(f(y + rowHeight / 2 + 4))\" text-anchor=\"end\">\(HTMLEscaper.escape(name))</text>"
            svg += "<text class=\"axis\" x=\"\(f(x(started) + 4))\" y=\"\(f(y + rowHeight / 2 + 4))\">\(rollout.plan.waves[index].count)</text>"
        }
        for (time, label) in [(rollout.abortedAt, "abort"), (rollout.status == .rolledBack ? rollout.finishedAt : nil, "rolled back")] {
            guard let time else { continue }
            svg += "<line class=\"grid\" x1=\"\(f(x(time)))\" y1=\"\(f(margin.top))\" x2=\"\(f(x(time)))\" y2=\"\(f(height - margin.bottom))\" stroke=\"#f04438\"/>"
            svg += "<text class=\"axis\" x=\"\(f(x(time)))\" y=\"\(f(height - margin.bottom + 28))\" text-anchor=\"middle\">\(label)</text>"
        }
        svg += "<text class=\"axis\" x=\"\(f(margin.left))\" y=\"\(f(height - margin.bottom + 14))\">\(clock(start))</text>"
        svg += "<text class=\"axis\" x=\"\(f(width - margin.right))\" y=\"\(f(height - margin.bottom + 14))\" text-anchor=\"end\">\(clock(end))</text>"
        return svg + "</svg>"
    }
}
