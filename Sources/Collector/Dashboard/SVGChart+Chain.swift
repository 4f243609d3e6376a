extension SVGChart {
    /// One step of a chain diagram.
    struct ChainStep {
        enum State: String {
            case done, current, failed, pending, skipped
        }

        var title: String
        /// A short second line (an id, a count, a time).
        var detail: String
        var state: State
    }

    /// Steps left to right as boxes joined by arrows, coloured by state: the learning loop's chain at a glance.
    static func chain(_ steps: [ChainStep], title: String) -> String {
        guard !steps.isEmpty else { return empty(title: title) }
        let boxWidth = 118.0, boxHeight = 46.0, gap = 22.0, margin = 6.0
        let width = margin * 2 + Double(steps.count) * boxWidth + Double(steps.count - 1) * gap
        let height = boxHeight + margin * 2
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chain\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" "
            + "height=\"\(f(height))\" role=\"img\" aria-label=\"\(HTMLEscaper.escape(title))\"><title>\(HTMLEscaper.escape(title))</title>"
        for (index, step) in steps.enumerated() {
            let x = margin + Double(index) * (boxWidth + gap)
            let (fill, stroke) = colors(step.state)
            svg += "<g class=\"step \(step.state.rawValue)\"><rect x=\"\(f(x))\" y=\"\(f(margin))\" width=\"\(f(boxWidth))\" height=\"\(f(boxHeight))\" rx=\"6\" "
                + "fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"1.5\"/>"
                + "<text x=\"\(f(x + boxWidth / 2))\" y=\"\(f(margin + 19))\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"600\">\(HTMLEscaper.escape(step.title))</text>"
                + "<text x=\"\(f(x + boxWidth / 2))\" y=\"\(f(margin + 36))\" text-anchor=\"middle\" font-size=\"10\" fill=\"#444\">\(HTMLEscaper.escape(String(step.detail.prefix(20))))</text></g>"
            if index < steps.count - 1 {
                let from = x + boxWidth, to = x + boxWidth + gap, y = margin + boxHeight / 2
                svg += "<path d=\"M\(f(from + 2)),\(f(y)) L\(f(to - 4)),\(f(y)) M\(f(to - 9)),\(f(y - 4)) L\(f(to - 3)),\(f(y)) L\(f(to - 9)),\(f(y + 4))\" "
                    + "stroke=\"#888\" fill=\"none\" stroke-width=\"1.5\"/>"
            }
        }
        return svg + "</svg>"
    }

    private static func colors(_ state: ChainStep.State) -> (String, String) {
        switch state {
        case .done: ("#e6f4ea", "#2b8a3e")
        case .current: ("#e7f0ff", "#2f6fed")
        case .failed: ("#fdecea", "#c92a2a")
        case .pending: ("#f6f6f6", "#bbbbbb")
        case .skipped: ("#fafafa", "#dddddd")
        }
    }
}
